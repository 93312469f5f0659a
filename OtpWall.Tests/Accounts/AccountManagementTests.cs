using System.Net;
using System.Text.RegularExpressions;
using OtpWall.Tests.Support;
using static OtpWall.Tests.Support.DashboardHostExtensions;

namespace OtpWall.Tests.Accounts;

/// <summary>What a signed-in person does with their own account, through the server-rendered forms.</summary>
[Trait("Database", "BothEngines")]
public sealed partial class AccountManagementTests : DashboardHostTest
{
    [Fact]
    public async Task SigningOut_EndsTheSession()
    {
        var (session, _) = await Host.RegisterAdministratorAsync();
        using (var before = await session.GetAsync("/wallet")) Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        using var signOut = await session.SubmitAsync("/Account/Logout", "logout", new Dictionary<string, string> { ["ReturnUrl"] = "wallet" }, tokenFrom: "/Account/Manage/ChangePassword");

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        using var after = await session.GetAsync("/wallet");
        Assert.StartsWith("/Account/Login", BrowserlessSession.RedirectTarget(after), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AccountAndSecurity_KeepsTheMenuAndAWayToSignOut()
    {
        var (session, _) = await Host.RegisterAdministratorAsync();

        foreach (var path in new[] { "/Account/Manage", "/Account/Manage/ChangePassword", "/Account/Manage/TwoFactorAuthentication" })
        {
            var page = await session.GetPageAsync(path);
            Assert.Contains("data-testid=\"sign-out\"", page, StringComparison.Ordinal);
            Assert.Contains("data-testid=\"nav-buy\"", page, StringComparison.Ordinal);
            Assert.Contains("data-testid=\"nav-activations\"", page, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ASignedOutVisitorsMissingPage_OffersSignInAndNoMenuOfPagesTheyCannotOpen()
    {
        await Host.RegisterAdministratorAsync();
        using var visitor = Host.NewSession();

        using var response = await visitor.GetAsync("/no-such-page");
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Page not found", page, StringComparison.Ordinal);
        Assert.Contains("href=\"/Account/Login\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"nav-", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Go to your wallet", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangingThePassword_RetiresTheOldOne()
    {
        var (session, _) = await Host.RegisterAdministratorAsync();
        const string NewPassword = "a brand new passphrase";

        using var changed = await session.SubmitAsync("/Account/Manage/ChangePassword", "change-password", new Dictionary<string, string>
        {
            ["Input.OldPassword"] = Password,
            ["Input.NewPassword"] = NewPassword,
            ["Input.ConfirmPassword"] = NewPassword,
        });
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Contains("Your password has been changed", await session.GetPageAsync("/Account/Manage/ChangePassword"), StringComparison.Ordinal);

        using var withOld = Host.NewSession();
        using var oldAttempt = await withOld.SignInAsync("admin@example.com", Password);
        Assert.Contains("Wrong e-mail or password", await oldAttempt.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var withNew = Host.NewSession();
        using var newAttempt = await withNew.SignInAsync("admin@example.com", NewPassword);
        Assert.Equal(HttpStatusCode.Redirect, newAttempt.StatusCode);
    }

    [Fact]
    public async Task TwoFactor_WithAnAuthenticatorApp_IsAskedForAtTheNextSignIn()
    {
        var (session, _) = await Host.RegisterAdministratorAsync();
        var setup = await session.GetPageAsync("/Account/Manage/EnableAuthenticator");
        Assert.Contains("<svg", setup, StringComparison.Ordinal);
        var sharedKey = SharedKey().Match(setup).Groups[1].Value;

        using var enabled = await session.SubmitAsync("/Account/Manage/EnableAuthenticator", "send-code",
            new Dictionary<string, string> { ["Input.Code"] = Totp.Code(sharedKey, DateTimeOffset.UtcNow) });
        Assert.Contains("data-testid=\"recovery-codes\"", await enabled.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var later = Host.NewSession();
        using var password = await later.SignInAsync("admin@example.com", Password);
        var challenge = BrowserlessSession.RedirectTarget(password)!;
        Assert.StartsWith("/Account/LoginWith2fa", challenge, StringComparison.Ordinal);
        using (var notYet = await later.GetAsync("/wallet")) Assert.Equal(HttpStatusCode.Redirect, notYet.StatusCode);

        using var wrong = await later.SubmitAsync(challenge, "login-with-2fa", new Dictionary<string, string> { ["Input.TwoFactorCode"] = "000000" });
        Assert.Contains("That code is not right", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var right = await later.SubmitAsync(challenge, "login-with-2fa",
            new Dictionary<string, string> { ["Input.TwoFactorCode"] = Totp.Code(sharedKey, DateTimeOffset.UtcNow) });
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        using var inside = await later.GetAsync("/wallet");
        Assert.Equal(HttpStatusCode.OK, inside.StatusCode);
    }

    [GeneratedRegex("data-testid=\"2fa-shared-key\">([^<]+)<")]
    private static partial Regex SharedKey();
}
