using Microsoft.AspNetCore.Components;

namespace OtpWall.Dashboard.Components.Account;

/// <summary>Redirects from server-rendered account pages, refusing anything that would leave the site.</summary>
internal sealed class IdentityRedirectManager(NavigationManager navigationManager)
{
    public const string StatusCookieName = "Identity.StatusMessage";

    private static readonly CookieBuilder StatusCookieBuilder = new()
    {
        SameSite = SameSiteMode.Strict,
        HttpOnly = true,
        IsEssential = true,
        MaxAge = TimeSpan.FromSeconds(5),
    };

    private string CurrentPath => navigationManager.ToAbsoluteUri(navigationManager.Uri).GetLeftPart(UriPartial.Path);

    public void RedirectTo(string? uri)
    {
        uri ??= "";
        // Prevent open redirects.
        if (!Uri.IsWellFormedUriString(uri, UriKind.Relative) || uri.StartsWith("//", StringComparison.Ordinal) ||
            uri.StartsWith("/\\", StringComparison.Ordinal))
        {
            // Only an address on this site is followed; another site's, or a malformed one, leads home (not to a 500).
            uri = uri.StartsWith(navigationManager.BaseUri, StringComparison.OrdinalIgnoreCase) && Uri.IsWellFormedUriString(uri, UriKind.Absolute)
                ? navigationManager.ToBaseRelativePath(uri) : "";
        }
        navigationManager.NavigateTo(uri);
    }

    public void RedirectTo(string uri, Dictionary<string, object?> queryParameters)
    {
        var uriWithoutQuery = navigationManager.ToAbsoluteUri(uri).GetLeftPart(UriPartial.Path);
        RedirectTo(navigationManager.GetUriWithQueryParameters(uriWithoutQuery, queryParameters));
    }

    /// <summary>A message for the next account page to show (for endpoints that redirect themselves).</summary>
    public static void AppendStatus(HttpContext context, string message) =>
        context.Response.Cookies.Append(StatusCookieName, message, StatusCookieBuilder.Build(context));

    public void RedirectToWithStatus(string uri, string message, HttpContext context)
    {
        AppendStatus(context, message);
        RedirectTo(uri);
    }

    public void RedirectToCurrentPageWithStatus(string message, HttpContext context) => RedirectToWithStatus(CurrentPath, message, context);

    public void RedirectToInvalidUser(HttpContext context) =>
        RedirectToWithStatus("Account/InvalidUser", "Error: Your account could not be loaded. Sign in again.", context);
}
