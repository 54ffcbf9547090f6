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

    /// <summary>The most checkpoints held elsewhere one verification takes (the contract's bound).</summary>
    public const int MaxTrusted = 20;

    /// <summary>A signed note is a few hundred bytes; a file much larger is not one.</summary>
    private const int MaxCheckpointBytes = 8192;

    /// <summary>
    /// Verify now: against the ledger's own checkpoints, and against checkpoints held elsewhere: the files the console
    /// is configured with (<c>Console:TrustedCheckpointFiles</c>, e.g. a witness's latest) and any the officer uploads
    /// or pastes (from a receipt). A ledger shorter than one of them fails naming its first missing entry.
    /// </summary>
    public async Task<IActionResult> OnPostAsync(List<IFormFile>? controlepunten, string? controlepunt)
    {
        var request = new StartVerificationRequest();
        foreach (var path in Options.TrustedCheckpointFiles)
        {
            request.TrustedCheckpoints.Add(await System.IO.File.ReadAllTextAsync(path, HttpContext.RequestAborted));
        }

        foreach (var file in controlepunten ?? [])
        {
            if (file.Length is 0 or > MaxCheckpointBytes)
            {
                Problems.Add(Ui.T("{0} is geen getekend controlepunt.", file.FileName));
                continue;
            }

            using var reader = new StreamReader(file.OpenReadStream());
            request.TrustedCheckpoints.Add(await reader.ReadToEndAsync(HttpContext.RequestAborted));
        }

        if (!string.IsNullOrWhiteSpace(controlepunt))
        {
            // A pasted note: browsers send CRLF line ends, the signed text has LF only.
            request.TrustedCheckpoints.Add(controlepunt.Replace("\r\n", "\n", StringComparison.Ordinal).Trim() + "\n");
        }

        if (request.TrustedCheckpoints.Count > MaxTrusted)
        {
            Problems.Add(Ui.T("Hoogstens {0} controlepunten van elders per verificatie.", MaxTrusted));
        }

        if (Problems.Count > 0)
        {
            await OnGetAsync();
            return Page();
        }

        await Ledger.Service.StartVerificationAsync(request, await Ledger.CallAsync());
        return Redirect("/integriteit");
    }

    /// <summary>The verification failed because the ledger lacks entries a checkpoint includes (it was cut short, or has a gap).</summary>
    public bool Missing => Verification is { State: VerificationState.Failed, HasFirstBadSequence: true } v && v.FirstBadSequence == v.EntriesChecked;

    /// <summary>Whether the ledger's published key is the one this console checks proofs with.</summary>
    public bool SameKey => Checkpoints.VerifierKey == Options.LedgerVerifierKey;
}
