using System.Globalization;

namespace Exchange.Testing;

/// <summary>
/// A small mutation fuzzer for parsers of untrusted input: random bytes, and valid samples with bits flipped, bytes
/// replaced by boundary values, ranges cut, repeated or spliced in from another sample. Each input must be handled
/// within <see cref="HangAfter"/> and may only fail with an exception the parser documents. Bounded in time
/// (EXCHANGE_FUZZ_SECONDS, default 4 per target) so that ./test.sh stays fast; run longer by hand with e.g.
/// <c>EXCHANGE_FUZZ_SECONDS=600</c>, and replay a failure with the EXCHANGE_FUZZ_SEED its message names.
/// </summary>
public static class Fuzz
{
    public static readonly TimeSpan HangAfter = TimeSpan.FromSeconds(10);

    private static readonly byte[] Boundaries = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0x30, 0x02, 0x05, 0x0A, 0x81, 0x82, 0x84, (byte)':', (byte)'-', (byte)'\n', (byte)'{', (byte)'&', (byte)'*'];

    /// <summary>How long each fuzz target runs.</summary>
    public static TimeSpan Budget { get; } = BudgetOr(TimeSpan.FromSeconds(4));

    /// <summary>EXCHANGE_FUZZ_SECONDS when set, else <paramref name="usual"/> (for a target slower per input than most).</summary>
    public static TimeSpan BudgetOr(TimeSpan usual) =>
        double.TryParse(Environment.GetEnvironmentVariable("EXCHANGE_FUZZ_SECONDS"), CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : usual;

    /// <summary>EXCHANGE_FUZZ_SEED when set (to replay a run), else a new one; a failure names it.</summary>
    public static int Seed() =>
        int.TryParse(Environment.GetEnvironmentVariable("EXCHANGE_FUZZ_SEED"), CultureInfo.InvariantCulture, out var fixedSeed) ? fixedSeed : Random.Shared.Next();

    /// <summary>
    /// Feeds <paramref name="target"/> generated inputs until the budget is spent; fails on the first input that makes it
    /// throw anything <paramref name="expected"/> does not accept, or hang, naming the seed and the input.
    /// </summary>
    /// <returns>How many inputs were tried.</returns>
    public static int Run(IReadOnlyList<byte[]> samples, Action<byte[]> target, Func<Exception, bool> expected)
    {
        var seed = Seed();
        var random = new Random(seed);
        var until = DateTime.UtcNow + Budget;
        var tried = 0;
        while (DateTime.UtcNow < until)
        {
            var input = Next(random, samples);
            tried++;
            var run = Task.Run(() => target(input));
            Exception? failure = null;
            try
            {
                if (!run.Wait(HangAfter))
                {
                    throw new FuzzFindingException($"Input {tried} (seed {seed}) hung for {HangAfter.TotalSeconds} s: {Describe(input)}");
                }
            }
            catch (AggregateException exception) when (exception.InnerException is { } inner && !expected(inner))
            {
                failure = inner;
            }
            catch (AggregateException)
            {
                // A refusal the parser documents.
            }

            if (failure is not null)
            {
                // The whole input, for a regression test; the message shows only its start.
                var saved = Path.Combine(Path.GetTempPath(), $"exchange-fuzz-{seed}-{tried}.bin");
                File.WriteAllBytes(saved, input);
                throw new FuzzFindingException($"Input {tried} (EXCHANGE_FUZZ_SEED={seed}, saved as {saved}) threw {failure.GetType().Name}: {failure.Message}{Environment.NewLine}{Describe(input)}{Environment.NewLine}{failure.StackTrace}");
            }
        }

        return tried;
    }

    /// <summary>The next input: one in eight is random bytes, the others are mutated samples.</summary>
    public static byte[] Next(Random random, IReadOnlyList<byte[]> samples)
    {
        if (samples.Count == 0 || random.Next(8) == 0)
        {
            var bytes = new byte[random.Next(0, 512)];
            random.NextBytes(bytes);
            return bytes;
        }

        var data = new List<byte>(samples[random.Next(samples.Count)]);
        for (var mutations = random.Next(1, 9); mutations > 0; mutations--)
        {
            Mutate(random, data, samples);
        }

        return [.. data];
    }

    private static void Mutate(Random random, List<byte> data, IReadOnlyList<byte[]> samples)
    {
        var at = data.Count == 0 ? 0 : random.Next(data.Count);
        switch (random.Next(7))
        {
            case 0 when data.Count > 0:
                data[at] ^= (byte)(1 << random.Next(8));
                break;
            case 1 when data.Count > 0:
                data[at] = Boundaries[random.Next(Boundaries.Length)];
                break;
            case 2 when data.Count > 0:
                data.RemoveRange(at, Math.Min(data.Count - at, random.Next(1, 64)));
                break;
            case 3 when data.Count > 0:
                var length = Math.Min(data.Count - at, random.Next(1, 64));
                data.InsertRange(random.Next(data.Count), data.GetRange(at, length));
                break;
            case 4:
                var inserted = new byte[random.Next(1, 16)];
                random.NextBytes(inserted);
                data.InsertRange(at, inserted);
                break;
            case 5 when data.Count > 0:
                data.RemoveRange(at, data.Count - at);
                break;
            default:
                var other = samples[random.Next(samples.Count)];
                if (other.Length > 0)
                {
                    var from = random.Next(other.Length);
                    data.InsertRange(at, other.AsSpan(from, Math.Min(other.Length - from, random.Next(1, 128))).ToArray());
                }

                break;
        }
    }

    public static string Describe(byte[] input) =>
        $"{input.Length} bytes, base64: {Convert.ToBase64String(input.AsSpan(0, Math.Min(input.Length, 512)))}";
}

/// <summary>An input a parser did not handle as it documents: the seed and the input to make it a regression test.</summary>
public sealed class FuzzFindingException(string message) : Exception(message);
