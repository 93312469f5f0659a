using System.ComponentModel.DataAnnotations;

namespace OtpWall.Core.Upstream;

/// <summary>Where OTPWALL is and how patiently it is called. Bound from <c>OtpWall:Upstream</c>.</summary>
public sealed class OtpWallUpstreamOptions
{
    public const string SectionName = "OtpWall:Upstream";

    /// <summary>The API root, including its version path. The sandbox serves it at <c>/sandbox/v1</c>.</summary>
    [Required]
    public Uri BaseUrl { get; set; } = new("https://api.otpwall.online/v1");

    /// <summary>Where a person tops up their OTPWALL wallet ("Not enough balance" links there). The provider's site by default.</summary>
    [Required]
    public Uri TopUpUrl { get; set; } = new("https://otpwall.online");

    /// <summary>The longest one HTTP attempt may take.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:05:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest one call may take, retries of safe requests included.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a failed GET is tried again. Purchases and status changes never are.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first backoff delay; later ones grow exponentially, with jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A <c>Retry-After</c> longer than this is not waited for inside a call: the caller is told instead.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(5);
}
