using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using OtpWall.Core;
using OtpWall.Core.Accounts;
using OtpWall.Core.Data;
using OtpWall.Dashboard.Api;
using OtpWall.Dashboard.Components;
using OtpWall.Dashboard.Components.Account;
using OtpWall.Dashboard.Components.Account.SingleSignOn;
using OtpWall.Dashboard.Components.Pages.Audit;
using OtpWall.Dashboard.Components.Pages.History;
using OtpWall.Dashboard.Components.Pages.Usage;
using OtpWall.Dashboard.Components.Shared;
using OtpWall.Dashboard.Components.Theme;
using OtpWall.Dashboard.SandboxMode;

namespace OtpWall.Dashboard.Hosting;

internal static class DashboardHosting
{
    /// <summary>The whole dashboard: Core, Identity, the UI, sandbox mode and the account protections.</summary>
    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSandboxMode();
        services.KeepTypedSecretsOutOfLogs();
        services.AddOtpWallCore(client => client.AddHttpMessageHandler<SandboxLoopbackHandler>());
        services.AddOtpWallKeyRingCertificate(builder.Configuration);
        // On a developer's machine webhooks may go to http://localhost (a receiver being written); nowhere else.
        if (builder.Environment.IsDevelopment()) services.Configure<OtpWall.Core.Notifications.NotificationOptions>(o => o.AllowLocalWebhooks = true);
        services.AddSingleton<SandboxKeyIssuer>();
        services.AddHostedService<StartupWarmUp>();
        services.AddSingleton<ThemeStyles>();

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices(options =>
        {
            // Bottom left: messages cover neither a page's main action at the top nor the countdowns at the right of the cards.
            options.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomLeft;
            options.SnackbarConfiguration.VisibleStateDuration = 5000;
            options.SnackbarConfiguration.MaxDisplayedSnackbars = 3;
        });

        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<Clipboard>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();
        var authentication = services.AddAuthentication(options =>
        {
            options.DefaultScheme = IdentityConstants.ApplicationScheme;
            options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
        });
        authentication.AddIdentityCookies();
        builder.AddSingleSignOn(authentication);
        services.AddIdentityCore<ApplicationUser>()
            .AddOtpWallAccountRules()
            .AddSignInManager<EvenTimingSignInManager>()
            .AddDefaultTokenProviders();
        // A disabled user's (or a changed password's) cookies stop working at the next check.
        services.AddOptions<SecurityStampValidatorOptions>().Configure<IOptions<AccountSecurityOptions>>((options, security) =>
        {
            options.ValidationInterval = security.Value.SessionRevalidationInterval;
            // The check rebuilds the cookie's principal from the database, which knows nothing of the session this cookie
            // belongs to nor of how the person signed in: both are carried over, or the sign-in ended at the first check.
            options.OnRefreshingPrincipal = SessionEnforcement.KeepSessionClaims;
        });
        services.ConfigureApplicationCookie(options =>
        {
            options.Cookie.Name = "otpwall.auth";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            // Secure whenever the request is HTTPS, which behind a trusted proxy X-Forwarded-Proto decides.
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.LoginPath = "/Account/Login";
            options.AccessDeniedPath = "/Account/AccessDenied";
        });
        // The antiforgery cookie, too, is Secure on HTTPS (its default sends it over plain HTTP as well).
        services.AddSessionEnforcement();
        services.AddAntiforgery(options => options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        // No "Server: Kestrel": what runs behind the address is nobody's business.
        builder.WebHost.ConfigureKestrel(options => options.AddServerHeader = false);
        services.AddAccountRateLimiting();
        services.AddTeamApi();
        services.AddWebHardening();
        builder.AddDashboardMetrics();
        if (!builder.Environment.IsDevelopment())
        {
            // One JSON object per line, for the host's log collector; nothing secret is ever logged.
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(options =>
            {
                options.UseUtcTimestamp = true;
                options.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
            });
        }
        return builder;
    }

    public static WebApplication UseDashboard(this WebApplication app)
    {
        // First: a scrape answers even while the database is being prepared, and nothing below (rate limits, pages) sees it.
        app.UseDashboardMetrics();
        var database = app.Services.GetRequiredService<DatabaseReadiness>();
        app.Use((context, next) => database.Ready.IsCompletedSuccessfully ? next(context) : WaitForDatabaseAsync(database, context, next));
        app.UseWebHardening();
        app.UseAuditClientAddress();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler(new ExceptionHandlerOptions
            {
                ExceptionHandlingPath = "/Error",
                CreateScopeForErrors = true,
                // A request the framework refuses (a form post without its antiforgery token, a malformed body) is the
                // client's error: 400 with the error page, not 500.
                StatusCodeSelector = exception => exception is BadHttpRequestException refused ? refused.StatusCode : StatusCodes.Status500InternalServerError,
            });
            app.UseHsts();
        }
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseTeamApi();
        app.UseApiReferencePolicy();
        app.UseFlagFiles();
        app.UseRateLimiter();
        app.UseAntiforgery();

        app.MapStaticAssets();
        // Our Content-Security-Policy already forbids framing (frame-ancestors 'none'): no second policy.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(options =>
        {
            options.ContentSecurityFrameAncestorsPolicy = null;
            options.DisableWebSocketCompression = true;
        });
        app.MapAdditionalIdentityEndpoints();
        app.MapSingleSignOn();
        app.MapNotificationEndpoints();
        app.MapThemeEndpoint();
        app.MapHistoryExport();
        app.MapAuditExport();
        app.MapUsageExport();
        app.MapHealthEndpoint();
        app.MapTeamApi();
        app.MapApiDocumentation();
        app.MapSandboxWhenOn();
        return app;
    }

    // Only the requests of the first moments after a start wait here.
    private static async Task WaitForDatabaseAsync(DatabaseReadiness database, HttpContext context, RequestDelegate next)
    {
        await database.Ready.WaitAsync(context.RequestAborted);
        await next(context);
    }
}
