using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OtpWall.Core.Accounts;
using OtpWall.Tests.Support;
using static OtpWall.Tests.Support.DashboardHostExtensions;

namespace OtpWall.Tests.Accounts;

/// <summary>Who gets into one shared instance: the first account administers it, the rest come by invite.</summary>
[Trait("Database", "BothEngines")]
public sealed class TeamAccessTests : DashboardHostTest
{
    [Fact]
    public async Task TheFirstAccount_BecomesAdministrator_AndAStrangerCannotRegisterWithoutAnInvite()
    {
        var (admin, _) = await Host.RegisterAdministratorAsync();

        Assert.Contains("Who can register", await admin.GetPageAsync("/admin/team"), StringComparison.Ordinal);

        using var stranger = Host.NewSession();
        var registerPage = await stranger.GetPageAsync("/Account/Register");
        Assert.Contains("Registration is by invitation only", registerPage, StringComparison.Ordinal);
        Assert.DoesNotContain("Input.Password", registerPage, StringComparison.Ordinal);
        using var crafted = await stranger.RegisterAsync("stranger@example.com", Password, tokenFrom: "/Account/Login");
        Assert.NotEqual(HttpStatusCode.Redirect, crafted.StatusCode);
        using var signIn = await stranger.SignInAsync("stranger@example.com", Password);
        Assert.Contains("Wrong e-mail or password", await signIn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnInviteLink_LetsOnePersonRegister_AndNeverWorksTwice()
    {
        var (_, adminId) = await Host.RegisterAdministratorAsync();
        var invite = await Host.CreateInviteAsync(adminId);

        using var teammate = Host.NewSession();
        using var registered = await teammate.RegisterAsync("teammate@example.com", Password, invite);
        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        Assert.Equal("/settings/api-key", BrowserlessSession.RedirectTarget(registered));

        using var latecomer = Host.NewSession();
        Assert.Contains("has expired or has already been used", await latecomer.GetPageAsync($"/Account/Register?invite={invite}"), StringComparison.Ordinal);
        using var second = await latecomer.RegisterAsync("latecomer@example.com", Password, invite, tokenFrom: "/Account/Login");
        Assert.NotEqual(HttpStatusCode.Redirect, second.StatusCode);
        var members = await Host.Services.GetRequiredService<TeamService>().ListMembersAsync(adminId);
        Assert.Equal(["admin@example.com", "teammate@example.com"], members.Select(m => m.Email));
        Assert.False(members.Single(m => m.Email == "teammate@example.com").IsAdministrator);
    }

    [Fact]
    public async Task ARegularMember_CannotOpenTheTeamPage()
    {
        var (_, adminId) = await Host.RegisterAdministratorAsync();
        using var member = Host.NewSession();
        using var registered = await member.RegisterAsync("member@example.com", Password, await Host.CreateInviteAsync(adminId));

        using var response = await member.GetAsync("/admin/team");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/AccessDenied", BrowserlessSession.RedirectTarget(response), StringComparison.Ordinal);
        Assert.Contains("does not have access to that page", await member.GetPageAsync("/Account/AccessDenied"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("short pass", "must be 12 to 128 characters")]
    [InlineData("password1234", "This password is too common")]
    [InlineData("teammate@example.com!", "must not contain your e-mail")]
    [InlineData("bbbbbbbbbbbb", "made of repeats, sequences or keyboard patterns")]
    [InlineData("123456789013", "made of repeats, sequences or keyboard patterns")]
    [InlineData("qwertyqwerty12", "made of repeats, sequences or keyboard patterns")]
    public async Task WeakPasswords_AreRefused_WithAReason(string password, string reason)
    {
        await Host.RegisterAdministratorAsync();
        await Host.Services.GetRequiredService<RegistrationService>().SetPolicyAsync(await Host.UserIdAsync("admin@example.com"), RegistrationPolicy.Open);
        using var person = Host.NewSession();

        using var response = await person.RegisterAsync("teammate@example.com", password);

        Assert.NotEqual(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains(reason, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(255, "An e-mail address is 254 characters at most.")]
    [InlineData(5007, "An e-mail address is 254 characters at most.")]
    [InlineData(0, "An e-mail address here may contain only letters, digits and the characters - . _ @ +")]
    public async Task EmailsThatCannotBeAccounts_AreRefusedWithATrueReason_ThroughThePageAndTheService(int length, string reason)
    {
        var (_, adminId) = await Host.RegisterAdministratorAsync();
        await Host.Services.GetRequiredService<RegistrationService>().SetPolicyAsync(adminId, RegistrationPolicy.Open);
        var email = length == 0 ? "team!mate@example.com" : new string('a', length - "@example.com".Length) + "@example.com";
        using var person = Host.NewSession();

        using var response = await person.RegisterAsync(email, Password);
        var direct = await Host.Services.GetRequiredService<RegistrationService>().RegisterAsync(email, Password, null);

        Assert.NotEqual(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains(reason, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Null(direct.User);
        Assert.Equal(reason, Assert.Single(direct.Errors));
    }

    [Fact]
    public async Task AnEmailOf254Characters_IsAccepted()
    {
        var (_, adminId) = await Host.RegisterAdministratorAsync();
        await Host.Services.GetRequiredService<RegistrationService>().SetPolicyAsync(adminId, RegistrationPolicy.Open);

        var registered = await Host.Services.GetRequiredService<RegistrationService>().RegisterAsync(new string('a', 242) + "@example.com", Password, null);

        Assert.NotNull(registered.User);
    }

    [Fact]
    public async Task AClosedInstance_RefusesEvenAValidInvite()
    {
        var (_, adminId) = await Host.RegisterAdministratorAsync();
        var invite = await Host.CreateInviteAsync(adminId);
        await Host.Services.GetRequiredService<RegistrationService>().SetPolicyAsync(adminId, RegistrationPolicy.Closed);

        using var person = Host.NewSession();

        Assert.Contains("Registration on this dashboard is closed", await person.GetPageAsync($"/Account/Register?invite={invite}"), StringComparison.Ordinal);
    }
}
