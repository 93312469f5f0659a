using Microsoft.Playwright;
using OtpWall.BrowserTests.Support;
using static Microsoft.Playwright.Assertions;

namespace OtpWall.BrowserTests.Journeys;

/// <summary>Signing up, signing in and out, locking out, inviting: on a fresh instance.</summary>
public sealed class AccountJourneys(SiteFixture site) : BrowserTest(site), IClassFixture<SiteFixture>
{
    [Fact]
    public Task FirstVisit_RegistersTheAdministrator_ThenSignsOutAndInAgain() => JourneyAsync(async () =>
    {
        var admin = await AdministratorAsync();
        await Expect(admin.Page.GetByTestId("sandbox-badge")).ToBeVisibleAsync();
        await Expect(admin.Page.GetByTestId("nav-team")).ToBeVisibleAsync();

        await admin.SignOutAsync();
        await admin.Page.GotoAsync("wallet");
        await admin.Page.WaitForURLAsync("**/Account/Login**");

        await admin.SignInAsync();
        await admin.Page.WaitForURLAsync("**/activations");
        await Person.WaitUntilInteractiveAsync(admin.Page);
        await Expect(admin.Page.GetByRole(AriaRole.Heading, new() { Name = "Live activations" })).ToBeVisibleAsync();
    });

    [Fact]
    public Task AnInvitedTeammate_RegistersThroughTheLink_WhichThenNoLongerWorks() => JourneyAsync(async () =>
    {
        var admin = await AdministratorAsync();
        var link = await admin.CreateInviteLinkAsync();

        var teammate = await PersonAsync("teammate");
        await teammate.RegisterAsync(link);
        await Expect(teammate.Page.GetByTestId("nav-team")).ToHaveCountAsync(0);

        var latecomer = await PersonAsync("latecomer");
        await latecomer.Page.GotoAsync(link);
        await Expect(latecomer.Page.GetByTestId("error-message")).ToContainTextAsync("has expired or has already been used");
        await Expect(latecomer.Page.Locator("#Input\\.Password")).ToHaveCountAsync(0);
    });

    [Fact]
    public Task FiveWrongPasswords_LockTheAccount() => JourneyAsync(async () =>
    {
        var admin = await AdministratorAsync();
        var member = await PersonAsync("forgetful");
        await member.RegisterAsync(await admin.CreateInviteLinkAsync());
        await member.SignOutAsync();

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            await member.SignInAsync($"not my password {attempt}");
            await Expect(member.Page.GetByTestId("error-message")).ToContainTextAsync("Wrong e-mail or password");
        }
        await member.SignInAsync("not my password 5");

        await member.Page.WaitForURLAsync("**/Account/Lockout");
        await Expect(member.Page.GetByTestId("error-message")).ToContainTextAsync("locked for 15 minutes");
        await member.SignInAsync();
        await member.Page.WaitForURLAsync("**/Account/Lockout");
    });
}
