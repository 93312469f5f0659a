using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OtpWall.BrowserTests.Support;
using static Microsoft.Playwright.Assertions;

namespace OtpWall.BrowserTests.Journeys;

/// <summary>Sessions that end everywhere they should, and an administrator who can see who did what.</summary>
public sealed partial class SessionAndAuditJourneys(SiteFixture site) : BrowserTest(site), IClassFixture<SiteFixture>
{
    private static readonly string[] SignedInPages = ["buy", "activations", "history"];

    [Fact]
    public Task SigningOutInOneTab_SendsTheOtherTabToSignIn_WithinFiveSeconds_ItsPagesStayClosed_AndNothingWasBoughtOrCancelled() => JourneyAsync(async () =>
    {
        var member = await MemberWithSandboxKeyAsync("two-tabs");
        var row = await member.BuyByTypingAsync("Teleg", "Telegram", "Pakis", "Pakistan (PK)");
        var activationId = await row.GetAttributeAsync("data-activation-id");
        var other = await member.OpenTabAsync("buy");
        await Buying.PickAsync(other, "buy-service", "WhatsA", "WhatsApp");
        await Buying.PickAsync(other, "buy-country", "Brazi", "Brazil (BR)");
        await Expect(other.GetByTestId("buy-submit")).ToBeEnabledAsync();
        await member.GoToAsync("activations");
        await Expect(member.Page.GetByTestId("activation-cancel")).ToBeVisibleAsync();

        var clock = Stopwatch.StartNew();
        await member.SignOutAsync();

        await other.WaitForURLAsync("**/Account/Login**", new() { Timeout = 5000 });
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the other tab left after {clock.Elapsed.TotalSeconds:0.0} s");
        await Expect(other.GetByTestId("login-ended")).ToHaveTextAsync("You signed out in another tab of this browser.");
        await Expect(other.GetByTestId("login-submit")).ToBeVisibleAsync();
        foreach (var path in SignedInPages)
        {
            await other.GotoAsync(path);
            await Expect(other).ToHaveURLAsync(new Regex("/Account/Login"));
        }

        // Signed in again: nothing was bought after signing out, and the number is still waiting (not cancelled).
        await member.SignInAsync();
        await member.Page.WaitForURLAsync("**/activations");
        await Person.WaitUntilInteractiveAsync(member.Page);
        await Expect(member.Page.GetByTestId("activation-row")).ToHaveCountAsync(1);
        await Expect(member.Page.Locator($"[data-activation-id='{activationId}']")).ToHaveAttributeAsync("data-status", "waiting");
    });

    [Fact]
    public Task SigningOutEverywhere_EndsTheSessionOnThePhoneToo() => JourneyAsync(async () =>
    {
        var member = await MemberWithSandboxKeyAsync("everywhere");
        var phone = await OnAPhoneAsync(member);
        await Person.WaitUntilInteractiveAsync(phone.Page);

        await member.Page.GotoAsync("Account/Manage");
        await member.Page.GetByTestId("signout-everywhere").ClickAsync();

        await member.Page.WaitForURLAsync("**/Account/Login**");
        await Expect(member.Page.GetByText("You are signed out on every device and browser.")).ToBeVisibleAsync();
        await phone.Page.WaitForURLAsync("**/Account/Login**", new() { Timeout = 5000 });
        await phone.Page.GotoAsync("buy");
        await Expect(phone.Page).ToHaveURLAsync(new Regex("/Account/Login"));
    });

    [Fact]
    public Task AnAdministratorDisablesAMemberAfterConfirming_AndFindsItInTheAuditLog_WithTheClientAddress() => JourneyAsync(async () =>
    {
        var admin = await AdministratorAsync();
        var member = await MemberWithSandboxKeyAsync("disabled");
        await member.GoToAsync("activations");
        await admin.GoToAsync("admin/team");
        var row = admin.Page.Locator($"[data-testid=member-row][data-email='{member.Email}']");

        // Asked first; "Cancel" changes nothing.
        await row.GetByTestId("member-toggle").ClickAsync();
        await Expect(admin.Page.GetByRole(AriaRole.Dialog)).ToContainTextAsync($"Disable {member.Email}?");
        var dialog = admin.Page.GetByTestId("confirm-dialog");
        await Expect(dialog).ToContainTextAsync("They are signed out everywhere at once");
        await dialog.GetByTestId("confirm-no").ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(row.GetByTestId("member-status")).ToHaveTextAsync("Active");
        await row.GetByTestId("member-toggle").ClickAsync();
        await dialog.GetByTestId("confirm-yes").ClickAsync();
        await Expect(row.GetByTestId("member-status")).ToHaveTextAsync("Disabled");
        await member.Page.WaitForURLAsync("**/Account/Login**", new() { Timeout = 5000 });
        // The member's tab says why it is at sign-in, before they try anything.
        await Expect(member.Page.GetByTestId("login-ended")).ToHaveTextAsync(
            "An administrator disabled your account, so you were signed out. Ask them to enable it again.");

        await admin.Page.GetByTestId("nav-audit").ClickAsync();
        await Person.WaitUntilInteractiveAsync(admin.Page);
        await admin.Page.GetByTestId("audit-action").SelectOptionAsync("member-disabled");
        var entry = admin.Page.Locator("[data-testid=audit-row][data-action='member-disabled']").Filter(new() { HasText = member.Email });
        await Expect(entry).ToHaveCountAsync(1);
        await Expect(entry).ToContainTextAsync(admin.Email);
        await Expect(entry.GetByTestId("audit-address")).ToHaveTextAsync(new Regex(@"^(127\.0\.0\.1|::1)$"));

        // The same entry in the CSV the page offers.
        var download = await admin.Page.RunAndWaitForDownloadAsync(() => admin.Page.GetByTestId("audit-export").ClickAsync());
        var csv = await File.ReadAllTextAsync(await download.PathAsync());
        Assert.Matches($@"member-disabled,{Regex.Escape(admin.Email)},{Regex.Escape(member.Email)},(127\.0\.0\.1|::1),", csv);
    });
}
