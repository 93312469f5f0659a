namespace OtpWall.Core.Activations;

/// <summary>One SMS as a page shows it.</summary>
public sealed record SmsView(string Text, string? Code, DateTimeOffset ReceivedAt);

/// <summary>An activation as a page shows it, with what the lifecycle allows now.</summary>
public sealed record ActivationView(
    Guid Id,
    string? UpstreamId,
    string? Number,
    string Service,
    string ServiceName,
    string Country,
    string CountryName,
    ActivationStatus Status,
    string? RawStatus,
    string? Code,
    IReadOnlyList<SmsView> Messages,
    decimal? Price,
    string? Currency,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? ClosedAt,
    bool AutoCancelled,
    string? Note,
    ApiKeys.Payer Payer = ApiKeys.Payer.Own,
    bool PriceEstimated = false,
    string? FollowProblem = null,
    string? ApiToken = null)
{
    public string? LatestSms => Messages.Count == 0 ? null : Messages[^1].Text;

    /// <summary>Complete is offered once an SMS arrived, until the activation closes.</summary>
    public bool CanComplete => Status == ActivationStatus.Received;

    /// <summary>Cancel is offered only while waiting: OTPWALL refuses it after an SMS.</summary>
    public bool CanCancel => Status == ActivationStatus.Waiting && Messages.Count == 0;

    /// <summary>
    /// An outcome-unknown purchase whose OTPWALL id the dashboard never learned (not one still on its way): the person
    /// can attach the id if they find the activation in OTPWALL.
    /// </summary>
    public bool CanAttach => Status == ActivationStatus.OutcomeUnknown && UpstreamId is null && Note != Activation.InFlightNote;

    /// <summary>
    /// The person may take it off the live page (it stays in History): a purchase of unknown outcome they checked, or a
    /// number OTPWALL no longer knows.
    /// </summary>
    public bool CanDismiss => Status == ActivationStatus.OutcomeUnknown || FollowProblem == Activation.NotKnownProblem;

    /// <summary>The purchase is on its way to OTPWALL (in this tab or another).</summary>
    public bool IsBuying => Status == ActivationStatus.Buying;

    /// <summary>Still followed by the poller (or needing the user's attention, when its outcome is unknown).</summary>
    public bool IsOpen => !Status.IsFinal();

    internal static ActivationView From(Activation a) => new(
        a.Id, a.UpstreamId, a.Number, a.Service, a.ServiceName, a.Country, a.CountryName, a.Status, a.RawStatus, a.Code,
        [.. a.Messages.OrderBy(m => m.ReceivedAt).ThenBy(m => m.Id).Select(m => new SmsView(m.Text, m.Code, m.ReceivedAt))],
        a.Price, a.Currency, a.CreatedAt, a.ExpiresAt, a.ClosedAt, a.AutoCancelled, a.Note, a.Payer, a.PriceEstimated, a.FollowProblem, a.ApiToken);
}
