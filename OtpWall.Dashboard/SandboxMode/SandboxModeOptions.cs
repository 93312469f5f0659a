using System.ComponentModel.DataAnnotations;

namespace OtpWall.Dashboard.SandboxMode;

/// <summary>Whether the built-in OTPWALL simulator is served and used. Bound from <c>OtpWall:Sandbox</c>.</summary>
public sealed class SandboxModeOptions
{
    public const string SectionName = "OtpWall:Sandbox";

    /// <summary>On by default in Development, off elsewhere.</summary>
    public bool? Enabled { get; set; }

    /// <summary>
    /// Opens the control surface (<c>/sandbox/control</c>) to anyone who can reach the dashboard, as the test suites
    /// need. Off: only signed-in people use it, for activations they bought, and only administrators switch faults,
    /// read the statistics or reset the simulator.
    /// </summary>
    public bool OpenControl { get; set; }

    /// <summary>The balance of a one-click sandbox key.</summary>
    [Range(0d, 100_000d)]
    public decimal StartingBalance { get; set; } = 25.00m;
}
