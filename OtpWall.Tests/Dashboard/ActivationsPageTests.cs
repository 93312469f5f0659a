using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using OtpWall.BrowserTests.Support;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.Activations.Polling;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Catalogue;
using OtpWall.Dashboard.Components.Pages.Activations;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Dashboard;

[Trait("Database", "BothEngines")]
public sealed class ActivationsPageTests(SandboxServer sandbox) : DashboardPageContext(sandbox), IClassFixture<SandboxServer>
{
    private async Task<ActivationView> BuyAsync(string userId, string service = "google", string country = "US")
    {
        await Services.GetRequiredService<ApiKeyVault>().SaveAsync(userId, await Sandbox.NewAccountAsync());
        var result = await Services.GetRequiredService<Purchases>().BuyAsync(userId, Guid.NewGuid(), new Service(service, service), new Country(country, country));
        return result.Activation!;
    }

    private async Task PollRoundAsync()
    {
        Time.Advance(TimeSpan.FromSeconds(2));
        await Services.GetRequiredService<ActivationPoller>().PollDueAsync(CancellationToken.None);
    }

    [Fact]
    public void WithNothingBought_ThePageInvitesToBuy()
    {
        var cut = Render<ActivationsPage>();

        cut.WaitForAssertion(() => Assert.Contains("No activations right now", cut.Markup, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("[data-testid=activation-row]"));
    }

    [Fact]
    public async Task TurningOffAutomaticCancel_IsSaved_AndTheSwitchShowsIt()
    {
        var cut = Render<ActivationsPage>();
        // Switched once the page has loaded (its saved choice is read with the list).
        cut.WaitForAssertion(() => Assert.Contains("No activations right now", cut.Markup, StringComparison.Ordinal));
        var toggle = cut.Find("[data-testid=activations-autocancel]");
        Assert.Equal("true", toggle.GetAttribute("aria-checked"));

        await toggle.ChangeAsync(new ChangeEventArgs { Value = false });

        cut.WaitForAssertion(() => Assert.Equal("false", cut.Find("[data-testid=activations-autocancel]").GetAttribute("aria-checked")));
        // Saved right after the switch moved (the switch does not wait for the database).
        var preferences = Services.GetRequiredService<BuyPreferences>();
        await Eventually.EqualAsync(false, () => preferences.AutoCancelUnansweredAsync(UserId), everyMs: 50);
        // A page opened later shows the saved choice once it has loaded.
        var later = Render<ActivationsPage>();
        later.WaitForAssertion(() => Assert.Contains("No activations right now", later.Markup, StringComparison.Ordinal));
        Assert.Equal("false", later.Find("[data-testid=activations-autocancel]").GetAttribute("aria-checked"));
    }

    [Fact]
    public async Task AWaitingNumber_ShowsItsNumberAndTimeLeft_AndOffersCancelNotComplete()
    {
        var bought = await BuyAsync(UserId);

        var cut = Render<ActivationsPage>();

        var row = cut.WaitForElement($"[data-testid=activation-row][data-activation-id='{bought.UpstreamId}']");
        Assert.Equal("waiting", row.GetAttribute("data-status"));
        Assert.Equal(bought.Number, cut.Find("[data-testid=activation-number]").TextContent.Trim());
        Assert.Equal("20:00 left", cut.Find("[data-testid=activation-countdown]").TextContent.Trim());
        Assert.NotEmpty(cut.FindAll("[data-testid=activation-cancel]"));
        Assert.Empty(cut.FindAll("[data-testid=activation-complete]"));
        Assert.Empty(cut.FindAll("[data-testid=activation-code]"));
    }

    [Fact]
    public async Task TheCode_AppearsWithoutReload_WhenTheSmsArrives_AndIsAnnounced()
    {
        var bought = await BuyAsync(UserId);
        var cut = Render<ActivationsPage>();
        // What the layout puts on every page: announcing codes.
        Render<OtpWall.Dashboard.Components.Layout.CodeAnnouncer>();
        cut.WaitForElement("[data-testid=activation-row]");

        await Sandbox.DeliverSmsAsync(bought.UpstreamId!, "G-482913 is your Google verification code.");
        await PollRoundAsync();

        cut.WaitForAssertion(() =>
        {
            Assert.Equal("482913", cut.Find("[data-testid=activation-code]").TextContent.Trim());
            Assert.Equal("received", cut.Find("[data-testid=activation-row]").GetAttribute("data-status"));
        });
        Assert.Equal("G-482913 is your Google verification code.", cut.Find("[data-testid=activation-sms]").TextContent.Trim());
        Assert.NotEmpty(cut.FindAll("[data-testid=activation-complete]"));
        Assert.Empty(cut.FindAll("[data-testid=activation-cancel]"));
        // Announced right after the code is shown: sound and notification as chosen, and the title counts it.
        cut.WaitForAssertion(() => Assert.Equal("482913", JSInterop.VerifyInvoke("otpwallActivations.codeArrived").Arguments[0]));
        await Eventually.EqualAsync(1, CodesWaitingAnnouncedAsync, everyMs: 20);
    }

    [Fact]
    public async Task Complete_IsConfirmedByOtpWall_AndShownAsCompleted()
    {
        var bought = await BuyAsync(UserId);
        await Sandbox.DeliverSmsAsync(bought.UpstreamId!, "Your code is 123456");
        await PollRoundAsync();
        var cut = Render<ActivationsPage>();
        Render<OtpWall.Dashboard.Components.Layout.CodeAnnouncer>();
        await Eventually.EqualAsync(1, CodesWaitingAnnouncedAsync, everyMs: 20);

        await cut.ClickWhenReadyAsync("[data-testid=activation-complete]");

        cut.WaitForAssertion(() => Assert.Equal("completed", cut.Find("[data-testid=activation-row]").GetAttribute("data-status")));
        Assert.Empty(cut.FindAll("[data-testid=activation-complete]"));
        Assert.Equal("Completed", cut.Find("[data-testid=activation-status]").TextContent.Trim());
        // The code is used: the tab title stops announcing it.
        await Eventually.EqualAsync(0, CodesWaitingAnnouncedAsync, everyMs: 20);
    }

    // The count of codes waiting the layout last gave the tab's title (the announcer renders nothing, so it is polled).
    private Task<int> CodesWaitingAnnouncedAsync() => Task.FromResult(
        JSInterop.Invocations["otpwallActivations.codesWaiting"] is { Count: > 0 } calls ? (int)calls[^1].Arguments[0]! : -1);

    [Fact]
    public async Task AnSmsWithoutACode_IsNotCalledACode()
    {
        var bought = await BuyAsync(UserId);
        await Sandbox.DeliverSmsAsync(bought.UpstreamId!, "Welcome to Google. Your account is ready.");
        await PollRoundAsync();

        var cut = Render<ActivationsPage>();

        cut.WaitForAssertion(() => Assert.Equal("SMS received (no code found)", cut.Find("[data-testid=activation-status]").TextContent.Trim()));
        Assert.Empty(cut.FindAll("[data-testid=activation-code]"));
        Assert.Equal("Welcome to Google. Your account is ready.", cut.Find("[data-testid=activation-sms]").TextContent.Trim());
    }

    [Fact]
    public async Task Cancel_IsConfirmedByOtpWall_AndShownAsCancelled()
    {
        await BuyAsync(UserId);
        var cut = Render<ActivationsPage>();

        await cut.ClickWhenReadyAsync("[data-testid=activation-cancel]");

        cut.WaitForAssertion(() => Assert.Equal("cancelled", cut.Find("[data-testid=activation-row]").GetAttribute("data-status")));
        Assert.Empty(cut.FindAll("[data-testid=activation-cancel]"));
        // Said in the card that was cancelled, not in a message over the rest of the page.
        Assert.Equal("Cancelled. OTPWALL refunds the price.", cut.Find("[data-testid=activation-row] [data-testid=activation-said]").TextContent.Trim());
    }

    [Fact]
    public async Task CopyingACode_IsSaidInItsOwnCard_ForAFewSeconds()
    {
        var first = await BuyAsync(UserId);
        await Sandbox.DeliverSmsAsync(first.UpstreamId!, "Your code is 123456");
        var second = await BuyAsync(UserId, "telegram");
        await Sandbox.DeliverSmsAsync(second.UpstreamId!, "Your code is 654321");
        await PollRoundAsync();
        var cut = Render<ActivationsPage>();
        var firstCard = $"[data-testid=activation-row][data-activation-id='{first.UpstreamId}']";

        await cut.ClickWhenReadyAsync($"{firstCard} [data-testid=activation-copy]");

        cut.WaitForAssertion(() => Assert.Equal("Code copied.", cut.Find($"{firstCard} [data-testid=activation-said]").TextContent.Trim()));
        Assert.Single(cut.FindAll("[data-testid=activation-said]"));
        Assert.Equal("123456", JSInterop.Invocations["navigator.clipboard.writeText"][^1].Arguments[0]);
        Time.Advance(TimeSpan.FromSeconds(5));
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=activation-said]")));
    }

    [Fact]
    public async Task AnotherUsersActivations_NeverAppear()
    {
        var registration = Services.GetRequiredService<OtpWall.Core.Accounts.RegistrationService>();
        await registration.SetPolicyAsync(UserId, OtpWall.Core.Accounts.RegistrationPolicy.Open);
        var other = (await registration.RegisterAsync("neighbour@example.com", "correct horse battery staple", null)).User!;
        var theirs = await BuyAsync(other.Id);
        var mine = await BuyAsync(UserId, "telegram", "PK");

        var cut = Render<ActivationsPage>();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=activation-row]")));
        Assert.Equal(mine.UpstreamId, cut.Find("[data-testid=activation-row]").GetAttribute("data-activation-id"));
        Assert.DoesNotContain(theirs.Number!, cut.Markup, StringComparison.Ordinal);
    }
}
