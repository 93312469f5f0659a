using System.ComponentModel.DataAnnotations;

namespace OtpWall.Sandbox;

/// <summary>How the simulated OTPWALL behaves. Bound from <c>Sandbox</c> (standalone) or the host's chosen section.</summary>
public sealed class SandboxOptions
{
    /// <summary>Seed for every random choice (SMS delays, numbers, ids, codes, faults); unset: a new seed each start.</summary>
    public int? Seed { get; set; }

    /// <summary>Shortest time before the simulated SMS arrives.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan SmsDelayMin { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>Longest time before the simulated SMS arrives.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan SmsDelayMax { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Share of activations (0–1) whose SMS never comes, as with real numbers now and then.</summary>
    [Range(0d, 1d)]
    public double NoSmsRate { get; set; } = 0.1;

    /// <summary>How long a number is rented: a waiting activation then expires (refunded), a received one completes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan ActivationLifetime { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>Balance of an account created through the control surface without one.</summary>
    [Range(0d, 1_000_000d)]
    public decimal DefaultBalance { get; set; } = 10.00m;

    /// <summary>Currency of an account created without one.</summary>
    [RegularExpression("^[A-Z]{3}$")]
    public string DefaultCurrency { get; set; } = "USD";
}
