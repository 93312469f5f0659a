using OtpWall.Core.Activations;

namespace OtpWall.Dashboard.Components.Shared;

/// <summary>One vocabulary for activation statuses on every page; the contract names stay in data attributes and CSV.</summary>
internal static class StatusText
{
    public static string For(ActivationView activation) => activation.Status switch
    {
        ActivationStatus.Received => activation.Code is null ? "SMS received (no code found)" : "Code received",
        ActivationStatus.Cancelled when activation.AutoCancelled => "Cancelled automatically",
        _ => For(activation.Status),
    };

    /// <summary>The statuses a person filters by, in the order a number goes through them; "unknown" last.</summary>
    public static IReadOnlyList<ActivationStatus> InLifeOrder { get; } =
    [
        ActivationStatus.Buying, ActivationStatus.Waiting, ActivationStatus.Received, ActivationStatus.Completed, ActivationStatus.Cancelled,
        ActivationStatus.Expired, ActivationStatus.OutcomeUnknown, ActivationStatus.Unknown,
    ];

    public static string For(ActivationStatus status) => status switch
    {
        ActivationStatus.Waiting => "Waiting for SMS",
        ActivationStatus.Received => "Code received",
        ActivationStatus.Completed => "Completed",
        ActivationStatus.Cancelled => "Cancelled",
        ActivationStatus.Expired => "Expired",
        ActivationStatus.OutcomeUnknown => "Outcome unknown",
        ActivationStatus.Buying => "Buying…",
        _ => "Unknown status",
    };
}
