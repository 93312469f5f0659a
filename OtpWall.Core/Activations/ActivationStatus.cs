namespace OtpWall.Core.Activations;

/// <summary>Where an activation stands, normalised from whatever text OTPWALL sends.</summary>
public enum ActivationStatus
{
    /// <summary>A text OTPWALL sent that the dashboard does not know; not final, keep polling.</summary>
    Unknown = 0,
    Waiting,
    Received,
    Completed,
    Cancelled,
    Expired,

    /// <summary>
    /// Local only: a purchase was sent but its result is not known (timeout, lost connection). The user may have
    /// been charged; it is kept and shown, never bought again automatically.
    /// </summary>
    OutcomeUnknown,

    /// <summary>Local only: the purchase is being sent to OTPWALL right now; becomes waiting, refused (gone) or outcome unknown.</summary>
    Buying,
}

/// <summary>Reads OTPWALL's status text tolerantly, as docs/otpwall-api.md fixes it.</summary>
public static class ActivationStatuses
{
    /// <summary>Maps a raw status (any case, surrounding blanks ignored) to <see cref="ActivationStatus"/>.</summary>
    public static ActivationStatus Parse(string? raw) => raw?.Trim().ToUpperInvariant() switch
    {
        "WAITING" or "PENDING" => ActivationStatus.Waiting,
        "RECEIVED" or "OK" => ActivationStatus.Received,
        "COMPLETE" or "COMPLETED" or "FINISHED" or "DONE" => ActivationStatus.Completed,
        "CANCEL" or "CANCELLED" or "CANCELED" => ActivationStatus.Cancelled,
        "EXPIRED" or "TIMEOUT" => ActivationStatus.Expired,
        _ => ActivationStatus.Unknown,
    };

    /// <summary>Whether nothing more can happen to an activation in this state.</summary>
    public static bool IsFinal(this ActivationStatus status) =>
        status is ActivationStatus.Completed or ActivationStatus.Cancelled or ActivationStatus.Expired;

    /// <summary>Reads a <c>data-status</c> name back (<c>outcome-unknown</c> included); null for anything else.</summary>
    public static ActivationStatus? FromContractName(string? name) =>
        Enum.GetValues<ActivationStatus>().Cast<ActivationStatus?>()
            .FirstOrDefault(s => string.Equals(s!.Value.ToContractName(), name?.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The lower-case name used in <c>data-status</c> attributes and exports.</summary>
    public static string ToContractName(this ActivationStatus status) => status switch
    {
        ActivationStatus.Waiting => "waiting",
        ActivationStatus.Received => "received",
        ActivationStatus.Completed => "completed",
        ActivationStatus.Cancelled => "cancelled",
        ActivationStatus.Expired => "expired",
        ActivationStatus.OutcomeUnknown => "outcome-unknown",
        ActivationStatus.Buying => "buying",
        _ => "unknown",
    };
}
