using Exchange.Contracts.V1;
using Google.Protobuf;

namespace Exchange.Disclosure.Flow;

/// <summary>
/// Tells a holder about a release of its data that it must know of: a <see cref="BreakGlassNotice"/> when
/// break-glass released it, a <see cref="DisclosureNotice"/> when a rule's NOTIFY_HOLDER obligation asks for it.
/// </summary>
public interface IHolderNotices
{
    Task NotifyAsync(string holder, string key, IReadOnlyList<SubjectRef> subjects, IMessage notice, DisclosureReceipt receipt, CancellationToken cancellationToken);
}
