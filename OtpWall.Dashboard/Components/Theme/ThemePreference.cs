namespace OtpWall.Dashboard.Components.Theme;

public enum ThemeMode
{
    System,
    Light,
    Dark,
}

/// <summary>
/// The person's theme choice, kept in cookies so that server-rendered pages come out right on the first paint:
/// the chosen mode, and (written by <c>theme.js</c>) whether the system is dark.
/// </summary>
public static class ThemePreference
{
    public const string ModeCookie = "otpwall-theme";
    public const string SystemDarkCookie = "otpwall-system-dark";

    public static ThemeMode ReadMode(HttpRequest request) =>
        Enum.TryParse<ThemeMode>(request.Cookies[ModeCookie], ignoreCase: true, out var mode) ? mode : ThemeMode.System;

    /// <summary>The client hint Chromium sends once asked to; other browsers get the cookie <c>theme.js</c> keeps.</summary>
    public const string ColorSchemeHint = "Sec-CH-Prefers-Color-Scheme";

    public static bool ReadSystemDark(HttpRequest request) =>
        request.Headers[ColorSchemeHint].ToString() is { Length: > 0 } hint
            ? hint.Contains("dark", StringComparison.OrdinalIgnoreCase)
            : request.Cookies[SystemDarkCookie] == "1";

    /// <summary>Asks the browser for its colour scheme on page requests, so even a first visit paints in the right theme.</summary>
    public static IApplicationBuilder UseColorSchemeHint(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (HttpMethods.IsGet(context.Request.Method) && context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.Ordinal))
        {
            context.Response.Headers["Accept-CH"] = ColorSchemeHint;
            context.Response.Headers["Critical-CH"] = ColorSchemeHint;
            context.Response.Headers.Append("Vary", ColorSchemeHint);
        }
        return next();
    });

    public static ThemeMode Next(ThemeMode mode) => mode switch
    {
        ThemeMode.System => ThemeMode.Light,
        ThemeMode.Light => ThemeMode.Dark,
        _ => ThemeMode.System,
    };

    public static void Write(HttpResponse response, ThemeMode mode) =>
        response.Cookies.Append(ModeCookie, mode.ToString().ToLowerInvariant(), new CookieOptions
        {
            Path = "/",
            MaxAge = TimeSpan.FromDays(365),
            SameSite = SameSiteMode.Lax,
            IsEssential = true,
            Secure = response.HttpContext.Request.IsHttps,
        });

    /// <summary><c>/theme?mode=dark&amp;returnUrl=/wallet</c>: how server-rendered pages switch the theme without script.</summary>
    public static void MapThemeEndpoint(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/theme", (HttpContext context, string? mode, string? returnUrl) =>
        {
            Write(context.Response, Enum.TryParse<ThemeMode>(mode, ignoreCase: true, out var chosen) ? chosen : ThemeMode.System);
            var local = returnUrl is { Length: > 0 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal)
                && !returnUrl.StartsWith("/\\", StringComparison.Ordinal);
            return Results.LocalRedirect(local ? returnUrl! : "/");
        }).AllowAnonymous();
}

/// <summary>The theme as the layout applies it; cascaded from <c>Routes</c>.</summary>
public sealed class ThemeState(ThemeMode mode, bool systemDark)
{
    public ThemeMode Mode { get; set; } = mode;

    public bool SystemDark { get; set; } = systemDark;

    public bool IsDark => Mode == ThemeMode.Dark || (Mode == ThemeMode.System && SystemDark);
}
