using System.Net;
using System.Text.RegularExpressions;

namespace OtpWall.Tests.Support;

/// <summary>
/// One person's cookies and the server-rendered forms they fill in: it loads a page, takes its antiforgery token,
/// and posts the named form as a browser would.
/// </summary>
public sealed partial class BrowserlessSession : IDisposable
{
    private readonly HttpClient _http;

    public BrowserlessSession(Uri root)
    {
        Cookies = new CookieContainer();
        _http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = root };
    }

    public CookieContainer Cookies { get; }

    /// <summary>Headers sent with every request, e.g. what a reverse proxy adds.</summary>
    public System.Net.Http.Headers.HttpRequestHeaders Headers => _http.DefaultRequestHeaders;

    /// <summary>
    /// The session stands for a browser talking HTTPS to a proxy that talks HTTP to the app: cookies marked Secure are
    /// sent all the same (a cookie container would keep them back on this plain-HTTP hop).
    /// </summary>
    public bool BehindTlsProxy { get; set; }

    public Task<HttpResponseMessage> GetAsync(string path) => Http.GetAsync(path);

    public Task<HttpResponseMessage> PostAsync(string path, HttpContent content) => Http.PostAsync(path, content);

    private HttpClient Http
    {
        get
        {
            if (BehindTlsProxy) foreach (Cookie cookie in Cookies.GetAllCookies()) cookie.Secure = false;
            return _http;
        }
    }

    public async Task<string> GetPageAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Where a redirect points, as a path and query whether the server gave it absolute or relative.</summary>
    public static string? RedirectTarget(HttpResponseMessage response) =>
        response.Headers.Location is not { } location ? null : location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString;

    /// <summary>
    /// Loads <paramref name="path"/>, then submits its form <paramref name="formName"/> with the fields given. With
    /// <paramref name="tokenFrom"/>, the antiforgery token comes from that page instead: a post crafted by hand to a
    /// page that shows no form.
    /// </summary>
    public Task<HttpResponseMessage> SubmitAsync(string path, string formName, IDictionary<string, string> fields, string? tokenFrom = null) =>
        SubmitAsync(path, formName, fields.ToList(), tokenFrom);

    /// <summary>As above, with fields that may repeat (the ticked boxes of one list).</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string path, string formName, IReadOnlyList<KeyValuePair<string, string>> fields, string? tokenFrom = null)
    {
        var page = await GetPageAsync(tokenFrom ?? path);
        var token = AntiforgeryToken().Match(page);
        if (!token.Success) throw new InvalidOperationException($"No form with an antiforgery token on {path}:\n{page[..Math.Min(page.Length, 2000)]}");
        var action = tokenFrom is null && FormActionOf(page, formName) is { } found ? WebUtility.HtmlDecode(found) : path;
        var body = fields.Concat([new("_handler", formName), new("__RequestVerificationToken", token.Groups[1].Value)]);
        return await Http.PostAsync(action, new FormUrlEncodedContent(body));
    }

    public Task<HttpResponseMessage> SignInAsync(string email, string password) =>
        SubmitAsync("/Account/Login", "login", new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = password });

    public Task<HttpResponseMessage> RegisterAsync(string email, string password, string? invite = null, string? tokenFrom = null) =>
        SubmitAsync(invite is null ? "/Account/Register" : $"/Account/Register?invite={Uri.EscapeDataString(invite)}", "register",
            new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = password, ["Input.ConfirmPassword"] = password },
            tokenFrom);

    public void Dispose() => _http.Dispose();

    // The action of the form named formName (its hidden _handler field), or of the page's first form.
    private static string? FormActionOf(string page, string formName)
    {
        string? first = null;
        foreach (Match form in FormAction().Matches(page))
        {
            first ??= form.Groups[1].Value;
            var end = page.IndexOf("</form>", form.Index, StringComparison.Ordinal);
            if (end > 0 && page.AsSpan(form.Index, end - form.Index).Contains($"name=\"_handler\" value=\"{formName}\"", StringComparison.Ordinal))
                return form.Groups[1].Value;
        }
        return first;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]+)\"")]
    private static partial Regex FormAction();
}
