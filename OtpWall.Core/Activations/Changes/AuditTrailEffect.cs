using OtpWall.Core.ApiKeys;
using OtpWall.Core.Audit;
using OtpWall.Core.Wallet;

namespace OtpWall.Core.Activations.Changes;

/// <summary>
/// The audit line of each change a person (or the dashboard on their behalf) made: a purchase and its outcome, an
/// attach, a dismissal, a complete or cancel that OTPWALL confirmed, an automatic cancel, a purchase a stop interrupted.
/// Written after the change is saved, so the log never tells of a change that did not happen.
/// </summary>
public sealed class AuditTrailEffect(AuditLog audit) : IActivationEffect
{
    public Task ApplyAsync(ActivationChanged change)
    {
        if (!change.IsLocal || change.Activation is not { } a) return Task.CompletedTask;
        return change.Path switch
        {
            ChangePath.Purchase when change.From == ActivationStatus.Buying && change.To == ActivationStatus.OutcomeUnknown =>
                Record(AuditActions.OutcomeUnknown, a.UserId, $"Tried to buy a {a.ServiceName} number in {a.CountryName} with {PayerWords(a.Payer)}{Through(a)}; the outcome is unknown."),
            ChangePath.Purchase when change.From == ActivationStatus.Buying && change.To is { } to && to != ActivationStatus.Buying =>
                Record(AuditActions.Purchase, a.UserId,
                    $"Bought a {a.ServiceName} number in {a.CountryName} (OTPWALL {a.UpstreamId}){PriceWords(a)} with {PayerWords(a.Payer)}{Through(a)}."),
            ChangePath.Attach =>
                Record(AuditActions.Attach, a.UserId, $"Attached OTPWALL activation {a.UpstreamId} to a {a.ServiceName} purchase in {a.CountryName} of unknown outcome."),
            ChangePath.Dismiss => Record(AuditActions.Dismiss, a.UserId, a.Status == ActivationStatus.OutcomeUnknown
                ? $"Dismissed a {a.ServiceName} purchase in {a.CountryName} of unknown outcome from the live page."
                : $"Dismissed a {a.ServiceName} number in {a.CountryName} that OTPWALL no longer knows from the live page."),
            ChangePath.UserAction when change.Asked is { } asked && change.To == asked =>
                Record(asked == ActivationStatus.Completed ? AuditActions.Complete : AuditActions.Cancel, a.UserId,
                    $"{(asked == ActivationStatus.Completed ? "Completed" : "Cancelled")} the {a.ServiceName} number in {a.CountryName} (OTPWALL {a.UpstreamId})." +
                    (asked == ActivationStatus.Cancelled && a.Note is { } why && why.StartsWith(Activation.OverCeilingPrefix, StringComparison.Ordinal) ? " " + why : "")),
            ChangePath.AutoCancel => Record(AuditActions.AutoCancel, null,
                $"Cancelled the {a.ServiceName} number in {a.CountryName} (OTPWALL {a.UpstreamId}) automatically: no SMS came in time.", a.UserId),
            ChangePath.Recovery when change.To == ActivationStatus.OutcomeUnknown => Record(AuditActions.OutcomeUnknown, null,
                $"A {a.ServiceName} number in {a.CountryName} was being bought with {(a.Payer == Payer.Team ? "the team key" : "the member's own key")} " +
                "when the dashboard stopped: its outcome is unknown.", a.UserId),
            _ => Task.CompletedTask,
        };
    }

    private Task Record(string action, string? actorId, string text, string? subjectId = null) =>
        audit.RecordAsync(action, actorId, text, subjectId, CancellationToken.None);

    private static string PayerWords(Payer payer) => payer == Payer.Team ? "the team key" : "their own key";

    private static string Through(Activation activation) => activation.ApiToken is { } token ? $" through API token \"{token}\"" : "";

    private static string PriceWords(Activation activation) => activation.Price is { } price
        ? $" for {(activation.PriceEstimated ? "about " : "")}{Amounts.Text(price, activation.Currency)}"
        : "";
}
