using Exchange.Contracts.Ledger.V1;
using Microsoft.AspNetCore.Mvc;

namespace Exchange.Console.Pages;

/// <summary>The checkpoints, "verify now" (the full verification in the background, with progress), and the result.</summary>
public sealed class IntegrityModel : OfficerPageModel
{
    public ListCheckpointsResponse Checkpoints { get; private set; } = new();

    public VerificationStatus Verification { get; private set; } = new();

    public async Task OnGetAsync()
    {
        var call = await Ledger.CallAsync();
        Checkpoints = await Ledger.Service.ListCheckpointsAsync(new ListCheckpointsRequest { PageSize = 20 }, call);
        Verification = (await Ledger.Service.GetVerificationAsync(new GetVerificationRequest(), call)).Status;
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await Ledger.Service.StartVerificationAsync(new StartVerificationRequest(), await Ledger.CallAsync());
        return Redirect("/integriteit");
    }

    /// <summary>Whether the ledger's published key is the one this console checks proofs with.</summary>
    public bool SameKey => Checkpoints.VerifierKey == Options.LedgerVerifierKey;
}
