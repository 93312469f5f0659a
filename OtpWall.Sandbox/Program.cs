using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace OtpWall.Sandbox;

/// <summary>The simulator on its own: point the dashboard's OtpWall:Upstream:BaseUrl at http://localhost:5080/sandbox/v1.</summary>
internal static class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls("http://localhost:5080");
        builder.Services.AddOtpWallSandbox();

        var app = builder.Build();
        app.MapGet("/", () => Results.Text(
            "OTPWALL sandbox (a simulator, not the real service).\nAPI: /sandbox/v1   Control: /sandbox/control\n", "text/plain"));
        app.MapOtpWallSandbox("/sandbox");
        app.Run();
    }
}
