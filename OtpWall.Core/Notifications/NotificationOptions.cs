namespace OtpWall.Core.Notifications;

/// <summary>Bound from <c>OtpWall:Notifications</c>.</summary>
public sealed class NotificationOptions
{
    public const string SectionName = "OtpWall:Notifications";

    /// <summary>
    /// Let webhooks reach this machine and private networks (http://localhost included). Off in production: an address
    /// that resolves to a loopback, private or link-local range is refused (server-side request forgery). On by default in
    /// Development.
    /// </summary>
    public bool AllowLocalWebhooks { get; set; }

    /// <summary>Who sends the push notifications, for push services (VAPID's subject): a mailto: or https: address.</summary>
    public string PushSubject { get; set; } = "mailto:otpwall-dashboard@example.com";

    /// <summary>The longest a receiver may take to answer one delivery.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A webhook whose every delivery failed for this long is paused, and its owner told.</summary>
    public TimeSpan PauseAfterFailingFor { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The waits between the attempts of one delivery: 8 tries in all.</summary>
    public static IReadOnlyList<TimeSpan> RetryDelays { get; } =
    [
        TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2),
        TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1),
    ];
}
