using Microsoft.Extensions.Options;
using OtpWall.Core.Upstream;
using OtpWall.Sandbox;

namespace OtpWall.Dashboard.SandboxMode;

internal static class SandboxModeHosting
{
    private const string SandboxPath = "/sandbox";
    private const string SandboxApiPath = SandboxPath + "/v1";

    /// <summary>
    /// With sandbox mode on (the default in Development), the simulator is served at <c>/sandbox</c> and every OTPWALL
    /// call goes to it. Decided from configuration when first needed, so test hosts can switch it like any setting.
    /// </summary>
    public static IServiceCollection AddSandboxMode(this IServiceCollection services)
    {
        services.AddOptions<SandboxModeOptions>().BindConfiguration(SandboxModeOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(provider =>
        {
            var inApp = provider.GetRequiredService<IOptions<SandboxModeOptions>>().Value.Enabled
                ?? provider.GetRequiredService<IHostEnvironment>().IsDevelopment();
            var configuredUrl = provider.GetRequiredService<IConfiguration>()[$"{OtpWallUpstreamOptions.SectionName}:BaseUrl"];
            var standalone = configuredUrl?.TrimEnd('/').EndsWith(SandboxApiPath, StringComparison.OrdinalIgnoreCase) == true;
            return new UpstreamMode(inApp || standalone, inApp);
        });
        // Registered always (a few idle singletons); served and used only when sandbox mode is on.
        services.AddOtpWallSandbox(SandboxModeOptions.SectionName);
        services.AddTransient<SandboxLoopbackHandler>();
        services.AddSingleton<SandboxAccountRestorer>();
        services.AddHostedService(provider => provider.GetRequiredService<SandboxAccountRestorer>());
        services.AddOptions<OtpWallUpstreamOptions>().PostConfigure<UpstreamMode>((options, mode) =>
        {
            if (mode.InApp) options.BaseUrl = new Uri("http://localhost" + SandboxApiPath);
        });
        return services;
    }

    public static void MapSandboxWhenOn(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<UpstreamMode>().InApp) return;
        var open = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SandboxModeOptions>>().Value.OpenControl;
        // The sandbox's books are read back when first needed: a call to the sandbox waits for them.
        var books = app.Services.GetRequiredService<SandboxAccountRestorer>();
        app.UseWhen(context => context.Request.Path.StartsWithSegments(SandboxPath), sandbox => sandbox.Use(async (context, next) =>
        {
            await books.WhenRestoredAsync(context.RequestAborted);
            await next(context);
        }));
        app.MapOtpWallSandbox(SandboxPath, control =>
        {
            if (!open) control.AddEndpointFilter<SandboxControlGuard>();
        });
    }
}
