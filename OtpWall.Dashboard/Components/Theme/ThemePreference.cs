namespace OtpWall.Dashboard.Components.Theme;

public enum ThemeMode
{
    System,
    Light,
    Dark,
}

/// <summary>
/// The person's theme choice (light, dark, or as the system is), kept in a cookie so that server-rendered pages come out
/// right on the first paint. Whether the system is dark is the browser's to know: see <see cref="ThemeStyles.Media"/>.
/// </summary>
public static class ThemePreference
{
    public const string ModeCookie = "otpwall-theme";

    public static ThemeMode ReadMode(HttpRequest request) =>
        Enum.TryParse<ThemeMode>(request.Cookies[ModeCookie], ignoreCase: true, out var mode) ? mode : ThemeMode.System;

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
            return Results.LocalRedirect(returnUrl is ['/', ..] && Account.LocalUrl.IsLocal(returnUrl) ? returnUrl : "/");
        }).AllowAnonymous();
}

/// <summary>The theme chosen, as the theme toggle shows and changes it; cascaded from <c>Routes</c>.</summary>
public sealed class ThemeState(ThemeMode mode)
{
    public ThemeMode Mode { get; set; } = mode;
}
