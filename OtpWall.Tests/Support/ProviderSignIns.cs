using System.Net;
using System.Text.RegularExpressions;

namespace OtpWall.Tests.Support;

/// <summary>
/// What a browser does to sign in through the team's identity provider, with one person's cookies: press the
/// dashboard's button, follow the redirects to the provider, type the user name on its login page, and follow the
/// redirects back. <c>tamper</c> may rewrite any address on the way (an attacker's replayed or edited answer).
/// </summary>
public static class ProviderSignIns
{
    /// <summary>The outcome: where the person ended up, and the status message the page they land on shows (if any).</summary>
    public sealed record Landing(string Path, string Page);

    public static Task<Landing> SignInThroughProviderAsync(this BrowserlessSession session, TestIdentityProvider provider, string userName,
        string? invite = null, Func<Uri, Uri>? tamper = null) =>
        StartAsync(session, provider, userName, invite is null ? "/Account/Login" : $"/Account/Register?invite={Uri.EscapeDataString(invite)}",
            invite is null ? "sso-signin" : "sso-join", tamper);

    /// <summary>Account &amp; security › Single sign-on › Link, for a person signed in with their password.</summary>
    public static Task<Landing> LinkProviderAsync(this BrowserlessSession session, TestIdentityProvider provider, string userName) =>
        StartAsync(session, provider, userName, "/account/sso", "sso-link", null);

    /// <summary>The address the page's button <paramref name="testId"/> leads to.</summary>
    public static string ButtonAddress(string page, string testId)
    {
        var tag = Regex.Match(page, $"<a [^>]*data-testid=\"{testId}\"[^>]*>");
        if (!tag.Success) throw new InvalidOperationException($"No button {testId} on the page.");
        return WebUtility.HtmlDecode(Regex.Match(tag.Value, "href=\"([^\"]*)\"").Groups[1].Value);
    }

    private static async Task<Landing> StartAsync(BrowserlessSession session, TestIdentityProvider provider, string userName, string pagePath,
        string button, Func<Uri, Uri>? tamper)
    {
        var page = await session.GetPageAsync(pagePath);
        var response = await session.GetAsync("/" + ButtonAddress(page, button));
        var dashboard = response.RequestMessage!.RequestUri!;
        while (response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther)
        {
            var next = new Uri(response.RequestMessage!.RequestUri!, response.Headers.Location!);
            if (tamper is not null) next = tamper(next);
            response.Dispose();
            if (next.Authority == provider.Authority.Authority && next.AbsolutePath == "/login")
            {
                // The provider's login page: the person types who they are.
                var returnUrl = System.Web.HttpUtility.ParseQueryString(next.Query)["returnUrl"] ?? "";
                using (await session.GetAsync(next.ToString())) { }
                response = await session.PostAsync(new Uri(provider.Authority, "login").ToString(),
                    new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = userName, ["returnUrl"] = returnUrl }));
                continue;
            }
            if (next.Authority == dashboard.Authority && (next.AbsolutePath.StartsWith("/Account/Login", StringComparison.Ordinal) || next.AbsolutePath == "/account/sso"))
            {
                // Where a refusal (or the end of linking) is told: the page shows the status message once.
                return new Landing(next.PathAndQuery, await session.GetPageAsync(next.PathAndQuery));
            }
            if (next.Authority == dashboard.Authority && !next.AbsolutePath.StartsWith("/signin-oidc", StringComparison.Ordinal) &&
                !next.AbsolutePath.StartsWith("/Account/Sso/", StringComparison.Ordinal))
                return new Landing(next.PathAndQuery, "");
            response = await session.GetAsync(next.ToString());
        }
        using (response)
            return new Landing(response.RequestMessage!.RequestUri!.PathAndQuery, await response.Content.ReadAsStringAsync());
    }
}
