using Exchange.Contracts.V1;

namespace Exchange.Disclosure.Flow;

/// <summary>Tells a holder about a disclosure of its data that it must know of (break-glass, notify-holder obligations).</summary>
public interface IHolderNotices
{
    Task NotifyAsync(string holder, string key, IReadOnlyList<SubjectRef> subjects, BreakGlassNotice notice, DisclosureReceipt receipt, CancellationToken cancellationToken);
}
