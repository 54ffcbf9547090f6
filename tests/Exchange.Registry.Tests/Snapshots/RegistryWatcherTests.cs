using Exchange.Client;
using Exchange.Contracts.Registry.V1;
using Exchange.Registry.Client.Snapshots;
using Exchange.Registry.Tests.Support;
using Exchange.ServiceDefaults.Identity;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging.Abstractions;

namespace Exchange.Registry.Tests.Snapshots;

/// <summary>Services follow the registry as whole snapshots, replaced on every change and signalled by a change token.</summary>
[Collection(RegistryCollection.Name)]
public sealed class RegistryWatcherTests(RegistryFixture registry)
{
    [Fact]
    public async Task A_watcher_receives_a_new_snapshot_after_each_change_and_admits_only_approved_partners()
    {
        var ct = TestContext.Current.CancellationToken;
        // The watch is internal: a following service's own certificate, and its token bound to it.
        using var tokens = registry.Identity.TokenClient(RegistryFixture.FollowerClientId);
        var token = "Bearer " + await tokens.GetAccessTokenAsync(ct);
        using var channel = PartnerChannel.Create(registry.Registry.Address, registry.Pki.Ca, registry.Pki.Directory.LoadClient(RegistryFixture.FollowerClientId));
        var follower = channel.Intercept(metadata =>
        {
            metadata.Add(ExchangeHeaders.ServiceAuthorization, token);
            return metadata;
        });
        using var watcher = new RegistryWatcher(new RegistryService.RegistryServiceClient(follower), NullLogger<RegistryWatcher>.Instance, TimeProvider.System, TimeSpan.FromMilliseconds(200));
        await watcher.StartAsync(ct);
        var admin = registry.Client();
        var before = (await admin.RegisterPartnerAsync(new RegisterPartnerRequest { Application = Applications.Shared("vt-watched") }, cancellationToken: ct)).Partner;
        var seenPending = await watcher.WaitForRevisionAsync(before.Revision, ct).WaitAsync(TimeSpan.FromSeconds(30), ct);
        var changeToken = watcher.GetChangeToken();

        await admin.ApprovePartnerAsync(new ApprovePartnerRequest { Id = "vt-watched" }, cancellationToken: ct);
        var approved = (await registry.Client(RegistryFixture.Second).ApprovePartnerAsync(new ApprovePartnerRequest { Id = "vt-watched" }, cancellationToken: ct)).Partner;
        var seenApproved = await watcher.WaitForRevisionAsync(approved.Revision, ct).WaitAsync(TimeSpan.FromSeconds(30), ct);
        await watcher.StopAsync(ct);

        Assert.Equal(RegistrationState.Pending, seenPending.Partners["vt-watched"].State);
        Assert.Null(seenPending.FindAdmitted("vt-watched"));
        Assert.True(changeToken.HasChanged);
        var admitted = seenApproved.FindAdmitted("vt-watched");
        Assert.NotNull(admitted);
        Assert.Equal(approved.Certificates.Single().Sha256Thumbprint, Assert.Single(admitted.ClientCertificateSha256));
        Assert.Equal("zvh-zeeland", Assert.Single(admitted.Agreements).CovenantId);
        Assert.Same(seenApproved, watcher.Current);
    }
}
