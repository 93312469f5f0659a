namespace OtpWall.Dashboard.Hosting;

/// <summary>Whether the built-in OTPWALL simulator is served. Bound from <c>OtpWall:Sandbox</c>.</summary>
public sealed class SandboxModeOptions
{
    public const string SectionName = "OtpWall:Sandbox";

    /// <summary>On by default in Development, off elsewhere.</summary>
    public bool? Enabled { get; set; }
}
