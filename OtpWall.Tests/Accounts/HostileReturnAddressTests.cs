using System.Net;
using OtpWall.Tests.Support;
using static OtpWall.Tests.Support.DashboardHostExtensions;

namespace OtpWall.Tests.Accounts;

/// <summary>
/// Every endpoint that takes a return address answers a hostile one with a redirect on this site (or a 400), never a
/// 500 and never a redirect to another site.
/// </summary>
public sealed class HostileReturnAddressTests : IAsyncLifetime
{
    private readonly DashboardHost _host = new(settings: new Dictionary<string, string?> { ["OtpWall:Accounts:AttemptsPerMinute"] = "1000" });

    // 54 addresses: other sites spelled every way a browser would still follow, and malformed local ones.
    public static readonly string[] Hostile = new[] { "", "/", "//", "/\\", "\\\\", "\\/", "~//", "~/\\", "/\t/", "/\r\n/", "/%09/", "/%2F", "http://", "https://", " //", "javascript:" }
        .SelectMany(prefix => new[] { "evil.example", "evil.example/wallet?x=1", "localhost@evil.example" }.Select(host => prefix + host))
        .Concat(["https://evil.example", "//evil.example", "/\\evil.example", "/\t/evil.example", "https:evil.example", "/\u0000/x"])
        .Distinct().ToArray();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task TheThemeSwitch_SignIn_AndSignOut_AnswerEveryHostileReturnAddressOnThisSite()
    {
        await _host.RegisterAdministratorAsync();
        Assert.True(Hostile.Length >= 50);
        foreach (var address in Hostile)
        {
            using var person = _host.NewSession();
            using (var theme = await person.GetAsync($"/theme?mode=dark&returnUrl={Uri.EscapeDataString(address)}"))
                StaysOnThisSite(theme, $"/theme with {address}");

            using (var signIn = await person.SubmitAsync($"/Account/Login?ReturnUrl={Uri.EscapeDataString(address)}", "login",
                       new Dictionary<string, string> { ["Input.Email"] = "admin@example.com", ["Input.Password"] = Password }))
                StaysOnThisSite(signIn, $"signing in with {address}");

            using var signOut = await person.SubmitAsync("/Account/Logout", "logout", new Dictionary<string, string> { ["ReturnUrl"] = address },
                tokenFrom: "/Account/Manage/ChangePassword");
            StaysOnThisSite(signOut, $"signing out with {address}");
        }
    }

    [Fact]
    public async Task SigningOutWithoutTheFormsToken_IsRefusedAs400()
    {
        var (admin, _) = await _host.RegisterAdministratorAsync();

        using var forged = await admin.PostAsync("/Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["ReturnUrl"] = "wallet" }));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        using var stillSignedIn = await admin.GetAsync("/wallet");
        Assert.Equal(HttpStatusCode.OK, stillSignedIn.StatusCode);
    }

    private void StaysOnThisSite(HttpResponseMessage response, string what)
    {
        Assert.True((int)response.StatusCode < 500, $"{what}: HTTP {(int)response.StatusCode}. " + string.Join("\n", _host.Logs.Lines.Where(l => l.Contains("Exception", StringComparison.Ordinal)).TakeLast(2).Select(l => l[..Math.Min(l.Length, 600)])));
        if (response.Headers.Location is not { } location) return;
        var local = location.IsAbsoluteUri
            ? location.Authority == response.RequestMessage!.RequestUri!.Authority
            : location.OriginalString.StartsWith('/') && !location.OriginalString.StartsWith("//", StringComparison.Ordinal)
              && !location.OriginalString.StartsWith("/\\", StringComparison.Ordinal);
        Assert.True(local, $"{what}: redirected to {location.OriginalString}.");
    }
}
