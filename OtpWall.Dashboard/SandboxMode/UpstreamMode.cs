namespace OtpWall.Dashboard.SandboxMode;

/// <summary>What the dashboard talks to, so the UI never lets a simulator pass for the real OTPWALL.</summary>
/// <param name="IsSandbox">The upstream is a simulator: the one inside this app, or a standalone one.</param>
/// <param name="InApp">The simulator is served by this app (control surface and one-click keys available).</param>
public sealed record UpstreamMode(bool IsSandbox, bool InApp);
