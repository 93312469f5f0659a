using System.ComponentModel.DataAnnotations;

namespace OtpWall.Core.Activations;

/// <summary>How activations are followed. Bound from <c>OtpWall:Activations</c>.</summary>
public sealed class ActivationOptions
{
    public const string SectionName = "OtpWall:Activations";

    /// <summary>How long a number is rented before OTPWALL expires it (comparable services: 10–20 minutes).</summary>
    [Range(typeof(TimeSpan), "00:00:05", "1.00:00:00")]
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>An activation without SMS is cancelled this long before it would expire, so the refund is certain.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan AutoCancelMargin { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>After the lifetime, how long to keep asking OTPWALL for a final status before closing it here.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan ExpiryGrace { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Poll interval while an activation is young (comparable services ask for 2–3 s at most).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan FastPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long an activation counts as young.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan FastPollFor { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Poll interval after that, and for statuses the dashboard does not know.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan SlowPollInterval { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>The longest wait between polls after repeated errors.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MaxErrorBackoff { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The most polls in flight at once. Polls start as they fall due, so how many are in flight follows the load and
    /// OTPWALL's round trip (2,000 young numbers at 150 ms need about 150); this only caps it.
    /// </summary>
    [Range(1, 1024)]
    public int MaxConcurrentPolls { get; set; } = 256;

    /// <summary>The most status reads per second with one key, whatever the number of its activations.</summary>
    [Range(0.1d, 1000d)]
    public double MaxReadsPerKeyPerSecond { get; set; } = 20;

    /// <summary>How long the poller keeps a decrypted key in memory; dropped at once when the person's keys change.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan KeyCacheLifetime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the poller looks in the database for open activations it does not follow yet.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long after the server starts the poller waits before it loads the open activations: the first pages people
    /// open after a restart are served first (loading compiles the poller's queries, a few hundred ms of a small VPS).
    /// A number bought meanwhile has its first poll when the wait ends.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan StartDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Purchases with the team key take turns (so each one's price is measured alone); one waits at most this long for
    /// the others before it is refused, unsent.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan TeamKeyQueueLimit { get; set; } = TimeSpan.FromSeconds(90);
}
