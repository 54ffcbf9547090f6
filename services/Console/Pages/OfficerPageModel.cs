using Exchange.Console.Hosting;
using Exchange.Console.Law;
using Exchange.Console.Ledger;
using Exchange.Console.Localization;
using Exchange.Console.Organisations;
using Exchange.Contracts.Ledger.V1;
using Google.Rpc;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Exchange.Console.Pages;

/// <summary>An entry table: its caption, its rows, and the read purpose its links carry on.</summary>
public sealed record EntryTableModel(string Caption, IReadOnlyList<OfficerEntry> Entries, OfficerReadPurpose Purpose);

/// <summary>What every page of the console has at hand: the ledger as the signed-in officer, words, names, the law.</summary>
public abstract class OfficerPageModel : PageModel
{
    protected OfficerLedgerClient Ledger => Service<OfficerLedgerClient>();

    public Ui Ui => Service<Ui>();

    public IOrganisationNames Names => Service<IOrganisationNames>();

    public PolicyCatalogue Catalogue => Service<PolicyCatalogue>();

    public ConsoleOptions Options => Service<IOptions<ConsoleOptions>>().Value;

    public TimeProvider Clock => Service<TimeProvider>();

    /// <summary>The signed-in officer's organisation.</summary>
    public string Organisation => User.Organisation();

    /// <summary>What the ledger said was wrong with the request, field by field.</summary>
    public List<string> Problems { get; } = [];

    /// <summary>A read purpose from the query (?doel=AccessRequest), or Unspecified.</summary>
    public static OfficerReadPurpose ParsePurpose(string? value) =>
        Enum.TryParse<OfficerReadPurpose>(value, ignoreCase: false, out var purpose) && Enum.IsDefined(purpose) ? purpose : OfficerReadPurpose.Unspecified;

    /// <summary>
    /// Runs a ledger call; an InvalidArgument becomes the page's problems (the form is shown again), every
    /// other refusal goes to the error page, which tells the officer what happened.
    /// </summary>
    protected async Task<bool> TryAsync(Func<Task> call)
    {
        try
        {
            await call();
            return true;
        }
        catch (RpcException exception) when (exception.StatusCode == Grpc.Core.StatusCode.InvalidArgument)
        {
            var violations = exception.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations;
            Problems.AddRange(violations is { Count: > 0 } ? violations.Select(v => $"{v.Field}: {v.Description}") : [exception.Status.Detail]);
            return false;
        }
    }

    private T Service<T>()
        where T : notnull => HttpContext.RequestServices.GetRequiredService<T>();
}
