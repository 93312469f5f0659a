using System.Security.Claims;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using OtpWall.Core.Accounts;
using MudBlazor;
using OtpWall.Dashboard.Components.Layout;
using OtpWall.Dashboard.Components.Pages.Team;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Dashboard;

[Trait("Database", "BothEngines")]
public sealed class TeamPageTests(SandboxServer sandbox) : DashboardPageContext(sandbox), IClassFixture<SandboxServer>
{
    [Fact]
    public async Task CreatingAnInvite_ShowsALinkThatRegistersOnePerson()
    {
        var cut = Render<TeamPage>();

        await cut.ClickWhenReadyAsync("[data-testid=invite-create]");

        var link = cut.WaitForElement("[data-testid=invite-link]").GetAttribute("value")!;
        Assert.Contains("/Account/Register?invite=", link, StringComparison.Ordinal);
        var token = Uri.UnescapeDataString(link[(link.IndexOf("invite=", StringComparison.Ordinal) + "invite=".Length)..]);
        Assert.True((await Services.GetRequiredService<RegistrationService>().DecideAsync(token)).Allowed);
        cut.WaitForAssertion(() => Assert.Contains("Waiting, expires", cut.Find("[data-testid=invite-row]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnInviteUsedWhileTheTeamPageIsOpen_ShowsAsUsed_WithTheNewMember_WithoutAReload()
    {
        var cut = Render<TeamPage>();
        await cut.ClickWhenReadyAsync("[data-testid=invite-create]");
        var link = cut.WaitForElement("[data-testid=invite-link]").GetAttribute("value")!;
        var token = Uri.UnescapeDataString(link[(link.IndexOf("invite=", StringComparison.Ordinal) + "invite=".Length)..]);
        cut.WaitForAssertion(() => Assert.Contains("Waiting, expires", cut.Find("[data-testid=invite-row]").TextContent, StringComparison.Ordinal));

        Assert.NotNull((await Services.GetRequiredService<RegistrationService>().RegisterAsync("joiner@example.com", "another long passphrase", token)).User);

        cut.WaitForAssertion(() =>
        {
            Assert.Contains("Used by joiner@example.com", cut.Find("[data-testid=invite-row]").TextContent, StringComparison.Ordinal);
            cut.Find("[data-testid=member-row][data-email='joiner@example.com']");
        });
    }

    [Fact]
    public async Task DisablingAMember_AsksFirst_ChangesTheirStatus_AndTheAdministratorCannotDisableThemselves()
    {
        await RegisterMemberAsync();
        var dialogs = Render<MudDialogProvider>();
        var cut = Render<TeamPage>();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=member-row]").Count));
        Assert.Empty(cut.Find("[data-email='person@example.com']").QuerySelectorAll("[data-testid=member-toggle]"));

        await cut.StartClick("[data-email='member@example.com'] [data-testid=member-toggle]");
        dialogs.WaitForAssertion(() => Assert.Contains("Disable member@example.com?", dialogs.Markup, StringComparison.Ordinal));
        await dialogs.Find("[data-testid=confirm-no]").ClickAsync(new());
        Assert.False(await IsDisabledAsync());
        Assert.Equal("Active", cut.Find("[data-email='member@example.com'] [data-testid=member-status]").TextContent.Trim());

        await cut.StartClick("[data-email='member@example.com'] [data-testid=member-toggle]");
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=confirm-yes]"));
        await dialogs.Find("[data-testid=confirm-yes]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal("Disabled", cut.Find("[data-email='member@example.com'] [data-testid=member-status]").TextContent.Trim()));
        Assert.True(await IsDisabledAsync());
    }

    [Fact]
    public async Task ChangingARole_AsksFirst_AndMakesTheMemberAnAdministrator()
    {
        await RegisterMemberAsync();
        var dialogs = Render<MudDialogProvider>();
        var cut = Render<TeamPage>();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=member-row]").Count));
        Assert.Empty(cut.Find("[data-email='person@example.com']").QuerySelectorAll("[data-testid=member-role]"));

        await cut.StartClick("[data-email='member@example.com'] [data-testid=member-role]");
        dialogs.WaitForAssertion(() => Assert.Contains("Make member@example.com an administrator?", dialogs.Markup, StringComparison.Ordinal));
        await dialogs.Find("[data-testid=confirm-no]").ClickAsync(new());
        Assert.False(await IsAdministratorAsync());

        await cut.StartClick("[data-email='member@example.com'] [data-testid=member-role]");
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=confirm-yes]"));
        await dialogs.Find("[data-testid=confirm-yes]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Contains("Administrator", cut.Find("[data-email='member@example.com']").TextContent, StringComparison.Ordinal));
        Assert.True(await IsAdministratorAsync());
        Assert.Equal("Make member", cut.Find("[data-email='member@example.com'] [data-testid=member-role]").TextContent.Trim());
    }

    [Fact]
    public async Task RevokingAnInvite_AsksFirst_ThenTheLinkStopsWorking()
    {
        var cut = Render<TeamPage>();
        var dialogs = Render<MudDialogProvider>();
        await cut.ClickWhenReadyAsync("[data-testid=invite-create]");
        var link = cut.WaitForElement("[data-testid=invite-link]").GetAttribute("value")!;
        var token = Uri.UnescapeDataString(link[(link.IndexOf("invite=", StringComparison.Ordinal) + "invite=".Length)..]);
        var registration = Services.GetRequiredService<RegistrationService>();

        await cut.StartClick("[data-testid=invite-revoke]");
        dialogs.WaitForAssertion(() => Assert.Contains("Revoke this invite?", dialogs.Markup, StringComparison.Ordinal));
        await dialogs.Find("[data-testid=confirm-no]").ClickAsync(new());
        Assert.True((await registration.DecideAsync(token)).Allowed);

        await cut.StartClick("[data-testid=invite-revoke]");
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=confirm-yes]"));
        await dialogs.Find("[data-testid=confirm-yes]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal("Revoked", cut.Find("[data-testid=invite-row] td[data-label=Status]").TextContent.Trim()));
        Assert.False((await registration.DecideAsync(token)).Allowed);
    }

    [Fact]
    public async Task AMembersApiToken_ShowsOnTeamWithoutItsValue_AndRevokingIt_AsksFirst_ThenRefusesIt()
    {
        await RegisterMemberAsync();
        var member = (await Services.GetRequiredService<TeamService>().ListMembersAsync(UserId)).Single(m => m.Email == "member@example.com").Id;
        var tokens = Services.GetRequiredService<OtpWall.Core.ApiTokens.ApiTokenService>();
        var created = (await tokens.CreateAsync(member, "price watcher", OtpWall.Core.ApiTokens.ApiTokenLifetime.Year, OtpWall.Core.ApiTokens.ApiTokenScope.Read)).Value!;
        var dialogs = Render<MudDialogProvider>();
        var cut = Render<TeamPage>();

        var row = cut.WaitForElement("[data-testid=token-row][data-name='price watcher']");
        Assert.Contains("member@example.com", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("read-only", row.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(created.Value, cut.Markup, StringComparison.Ordinal);

        await cut.StartClick("[data-name='price watcher'] [data-testid=token-revoke]");
        dialogs.WaitForAssertion(() => Assert.Contains("Revoke \"price watcher\"?", dialogs.Markup, StringComparison.Ordinal));
        await dialogs.Find("[data-testid=confirm-no]").ClickAsync(new());
        Assert.NotNull(await tokens.AuthenticateAsync(created.Value));

        await cut.StartClick("[data-name='price watcher'] [data-testid=token-revoke]");
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=confirm-yes]"));
        await dialogs.Find("[data-testid=confirm-yes]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=token-row]")));
        Assert.Null(await tokens.AuthenticateAsync(created.Value));
    }

    [Fact]
    public async Task APriceCeilingSetForAService_ListsOnTeam_AndAMemberCanBeLetAboveIt()
    {
        await RegisterMemberAsync();
        await Services.GetRequiredService<OtpWall.Core.ApiKeys.ApiKeyVault>().SaveAsync(UserId, await Sandbox.NewAccountAsync(5m));
        var cut = Render<TeamPage>();

        cut.WaitForElement("[data-testid=team-ceiling-service]").Change("telegram");
        cut.Find("[data-testid=team-ceiling-amount]").Change("0.80");
        await cut.ClickWhenReadyAsync("[data-testid=team-ceiling-save]");

        cut.WaitForAssertion(() => Assert.Contains("at most 0.80", cut.Find("[data-testid=team-ceiling-row][data-service=telegram]").TextContent, StringComparison.Ordinal));
        var ceilings = Services.GetRequiredService<OtpWall.Core.Spending.PriceCeilings>();
        var member = (await Services.GetRequiredService<TeamService>().ListMembersAsync(UserId)).Single(m => m.Email == "member@example.com").Id;
        Assert.Equal(0.80m, await ceilings.EffectiveAsync(member, "telegram", 2m));

        await cut.Find("[data-testid=member-may-raise]").ChangeAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = true });
        Assert.Equal(2m, await ceilings.EffectiveAsync(member, "telegram", 2m));
    }

    private async Task RegisterMemberAsync()
    {
        var registration = Services.GetRequiredService<RegistrationService>();
        await registration.SetPolicyAsync(UserId, RegistrationPolicy.Open);
        await registration.RegisterAsync("member@example.com", "another long passphrase", null);
    }

    private async Task<bool> IsDisabledAsync() =>
        (await Services.GetRequiredService<TeamService>().ListMembersAsync(UserId)).Single(m => m.Email == "member@example.com").IsDisabled;

    private async Task<bool> IsAdministratorAsync() =>
        (await Services.GetRequiredService<TeamService>().ListMembersAsync(UserId)).Single(m => m.Email == "member@example.com").IsAdministrator;
}

public sealed class NavMenuTests : BunitContext
{
    public NavMenuTests() => Services.AddSingleton(TimeProvider.System);

    [Fact]
    public void AnAdministrator_SeesTheTeamLink()
    {
        AddAuthorization().SetAuthorized("admin@example.com").SetRoles(TeamRoles.Administrator);

        var cut = Render<NavMenu>();

        Assert.Equal(["nav-buy", "nav-activations", "nav-history", "nav-wallet", "nav-settings", "nav-team", "nav-usage", "nav-audit", "nav-account"],
            cut.FindAll("a[data-testid]").Select(a => a.GetAttribute("data-testid")));
    }

    [Fact]
    public void AMember_DoesNotSeeTheTeamLink()
    {
        AddAuthorization().SetAuthorized("member@example.com").SetClaims(new Claim(ClaimTypes.NameIdentifier, "member"));

        var cut = Render<NavMenu>();

        Assert.Empty(cut.FindAll("[data-testid=nav-team]"));
        Assert.Equal("/settings/api-key", cut.Find("[data-testid=nav-settings]").GetAttribute("href"));
    }
}
