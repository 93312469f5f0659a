using OtpWall.Core.Upstream;
using OtpWall.Dashboard.Hosting;
using OtpWall.Sandbox;

var builder = WebApplication.CreateBuilder(args).UseAppSettingsBesideTheBinary();
var sandboxEnabled = builder.Configuration.GetValue<bool?>($"{SandboxModeOptions.SectionName}:Enabled")
    ?? builder.Environment.IsDevelopment();

builder.Services.AddOtpWallUpstream();
if (sandboxEnabled) builder.Services.AddOtpWallSandbox(SandboxModeOptions.SectionName);

var app = builder.Build();
app.MapGet("/", () => Results.Text(
    sandboxEnabled
        ? "OTPWALL Dashboard — sandbox mode. The simulated OTPWALL API is at /sandbox/v1."
        : "OTPWALL Dashboard.",
    "text/plain"));
if (sandboxEnabled) app.MapOtpWallSandbox("/sandbox");
app.Run();
