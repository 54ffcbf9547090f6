using System.Diagnostics;
using Grpc.Core;

namespace Exchange.Load;

/// <summary>
/// Runs one measurement: <c>workers</c> callers in a closed loop for a fixed time, each timing its own calls.
/// A call that fails counts as an error under its status and is not timed; a call cut off by the end of the run
/// is neither.
/// </summary>
public static class LoadRunner
{
    public delegate Task Call(int worker, Random random, CancellationToken cancellationToken);

    public static async Task<LoadResult> RunAsync(int workers, TimeSpan duration, Call call, CancellationToken cancellationToken)
    {
        var recorder = new LatencyRecorder();
        // One untimed call first: the first call of a path pays for JIT compilation and connections in every process
        // it crosses, which would otherwise fill a short run (and its tail) with start-up costs.
        try
        {
            await call(0, new Random(-1), cancellationToken);
        }
        catch (RpcException exception)
        {
            recorder.Count(exception.StatusCode);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(duration);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            var latencies = recorder.ForWorker();
            var random = new Random(worker);
            while (!stop.IsCancellationRequested)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    await call(worker, random, stop.Token);
                    latencies.Add(LatencyRecorder.Milliseconds(start));
                    recorder.Count(StatusCode.OK);
                }
                catch (RpcException exception) when (!stop.IsCancellationRequested)
                {
                    recorder.Count(exception.StatusCode);
                }
                catch (Exception exception) when (stop.IsCancellationRequested && exception is RpcException or OperationCanceledException)
                {
                    // The run ended mid-call.
                }
            }
        }, CancellationToken.None)));
        cancellationToken.ThrowIfCancellationRequested();
        return recorder.Result(Stopwatch.GetElapsedTime(started));
    }
}

/// <summary>A prepared load: the call to repeat, and what to close when done (connections, inbox listeners).</summary>
public sealed class LoadSession(LoadRunner.Call call, Func<Task> close) : IDisposable, IAsyncDisposable
{
    public LoadRunner.Call Call { get; } = call;

    public ValueTask DisposeAsync() => new(close());

    public void Dispose() => close().GetAwaiter().GetResult();
}
