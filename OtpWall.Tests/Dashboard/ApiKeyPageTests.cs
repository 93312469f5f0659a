using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Data;
using OtpWall.Dashboard.Components.Pages.ApiKeys;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Dashboard;

public sealed class ApiKeyPageTests(SandboxServer sandbox) : DashboardPageContext(sandbox), IClassFixture<SandboxServer>
{
    private ApiKeyVault Vault => Services.GetRequiredService<ApiKeyVault>();

    private static void Type(IRenderedComponent<ApiKeyPage> cut, string text) => cut.Find("[data-testid=apikey-input]").Input(text);

    private static Task SubmitAsync(IRenderedComponent<ApiKeyPage> cut) => cut.Find("form").SubmitAsync();

    [Fact]
    public void WithoutAKey_ItSaysSo_AndOffersNoRemoveButton()
    {
        var cut = Render<ApiKeyPage>();

        cut.WaitForAssertion(() => Assert.Contains("No key saved yet", cut.Find("[data-testid=apikey-status]").TextContent, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("[data-testid=apikey-remove]"));
        Assert.Empty(cut.FindAll("[data-testid=apikey-sandbox]"));
    }

    [Fact]
    public async Task AMalformedKey_IsRefusedBeforeAskingOtpWall()
    {
        var cut = Render<ApiKeyPage>();
        var requestsBefore = (await Sandbox.RequestCountAsync("GET /balance"));

        Type(cut, "not-a-key");
        await SubmitAsync(cut);

        cut.WaitForAssertion(() => Assert.Contains("exactly 32 letters and digits", cut.Markup, StringComparison.Ordinal));
        Assert.Equal(StoredKeyState.Missing, (await Vault.GetAsync(UserId)).State);
        Assert.Equal(requestsBefore, await Sandbox.RequestCountAsync("GET /balance"));
    }

    [Fact]
    public async Task AKeyOtpWallRefuses_IsNotSaved()
    {
        var cut = Render<ApiKeyPage>();

        Type(cut, Guid.NewGuid().ToString("N"));
        await SubmitAsync(cut);

        cut.WaitForAssertion(() => Assert.Equal(
            "OTPWALL refused this key, so it was not saved. Check that you copied all of it, or generate a new one in OTPWALL.",
            cut.Find("[data-testid=error-message]").TextContent.Trim()));
        Assert.Equal(StoredKeyState.Missing, (await Vault.GetAsync(UserId)).State);
    }

    [Fact]
    public async Task AWorkingKey_IsSaved_AndOnlyItsLastFourCharactersAreShownAfterwards()
    {
        var key = await Sandbox.NewAccountAsync(10.00m);
        var cut = Render<ApiKeyPage>();

        Type(cut, $"  {key.Reveal()}  ");
        await SubmitAsync(cut);

        cut.WaitForAssertion(() =>
        {
            var status = cut.Find("[data-testid=apikey-status]").TextContent;
            Assert.Contains(key.LastFour, status, StringComparison.Ordinal);
            Assert.Contains("Works: balance 10.00 USD", status, StringComparison.Ordinal);
        });
        Assert.Contains("Key saved. It works", cut.Find("[data-testid=apikey-feedback]").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(key.Reveal(), cut.Markup, StringComparison.Ordinal);
        Assert.Equal(key, (await Vault.GetAsync(UserId)).Key);
        Assert.NotEmpty(cut.FindAll("[data-testid=apikey-remove]"));
    }

    [Fact]
    public async Task SavingAKey_ReplacesOnlyTheSignedInUsersKey()
    {
        var registration = Services.GetRequiredService<OtpWall.Core.Accounts.RegistrationService>();
        await registration.SetPolicyAsync(UserId, OtpWall.Core.Accounts.RegistrationPolicy.Open);
        var other = (await registration.RegisterAsync("colleague@example.com", "another long passphrase", null)).User!;
        var othersKey = await Sandbox.NewAccountAsync();
        await Vault.SaveAsync(other.Id, othersKey);
        var mine = await Sandbox.NewAccountAsync();
        var cut = Render<ApiKeyPage>();

        Type(cut, mine.Reveal());
        await SubmitAsync(cut);

        cut.WaitForAssertion(() => Assert.Contains(mine.LastFour, cut.Find("[data-testid=apikey-status]").TextContent, StringComparison.Ordinal));
        Assert.Equal(mine, (await Vault.GetAsync(UserId)).Key);
        Assert.Equal(othersKey, (await Vault.GetAsync(other.Id)).Key);
    }

    [Fact]
    public async Task WhenOtpWallIsUnreachable_TheKeyIsSavedWithAWarning()
    {
        var key = await Sandbox.NewAccountAsync();
        await Sandbox.SetFaultsAsync(new { errorRate = 1.0, errorStatus = 503 });
        var cut = Render<ApiKeyPage>();

        Type(cut, key.Reveal());
        await SubmitAsync(cut);

        cut.WaitForAssertion(() => Assert.Contains("Key saved, but it could not be checked: OTPWALL is not reachable right now",
            cut.Find("[data-testid=apikey-feedback]").TextContent, StringComparison.Ordinal));
        Assert.Equal(key, (await Vault.GetAsync(UserId)).Key);
    }

    [Fact]
    public async Task AKeyThatCanNoLongerBeDecrypted_AsksToEnterItAgain()
    {
        await using (var db = await Services.GetRequiredService<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync())
        {
            db.ApiKeys.Add(new StoredApiKey { UserId = UserId, Ciphertext = "CfDJ8-written-by-a-key-ring-that-is-gone", LastFour = "Wxyz" });
            await db.SaveChangesAsync();
        }

        var cut = Render<ApiKeyPage>();

        cut.WaitForAssertion(() =>
        {
            var message = cut.Find("[data-testid=error-message]").TextContent;
            Assert.Contains("can no longer be decrypted", message, StringComparison.Ordinal);
            Assert.Contains("Wxyz", message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task RemovingTheKey_AsksFirst_ThenForgetsIt()
    {
        await Vault.SaveAsync(UserId, await Sandbox.NewAccountAsync());
        var dialogs = Render<MudDialogProvider>();
        var cut = Render<ApiKeyPage>();
        cut.WaitForAssertion(() => Assert.Contains("Works", cut.Find("[data-testid=apikey-status]").TextContent, StringComparison.Ordinal));

        cut.WaitForAssertion(() => cut.Find("[data-testid=apikey-remove]").Click());
        dialogs.WaitForAssertion(() => Assert.Contains("Remove your API key?", dialogs.Markup, StringComparison.Ordinal));
        await dialogs.Find("[data-testid=confirm-yes]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Contains("No key saved yet", cut.Find("[data-testid=apikey-status]").TextContent, StringComparison.Ordinal));
        Assert.Equal(StoredKeyState.Missing, (await Vault.GetAsync(UserId)).State);
    }

    [Fact]
    public async Task ReplacingAKeyWithOpenActivations_AsksFirst_SayingHowMany_AndKeepsItWhenThePersonSaysNo()
    {
        var first = await Sandbox.NewAccountAsync(10.00m);
        await Vault.SaveAsync(UserId, first);
        var bought = await Services.GetRequiredService<OtpWall.Core.Activations.Purchasing.Purchases>().BuyAsync(
            UserId, Guid.NewGuid(), new OtpWall.Core.Catalogue.Service("telegram", "Telegram"), new OtpWall.Core.Catalogue.Country("PK", "Pakistan"));
        Assert.Equal(OtpWall.Core.Activations.Purchasing.BuyOutcome.Bought, bought.Outcome);
        var second = await Sandbox.NewAccountAsync(5.00m);
        var dialogs = Render<MudDialogProvider>();
        var cut = Render<ApiKeyPage>();
        cut.WaitForAssertion(() => Assert.Contains("Works", cut.Find("[data-testid=apikey-status]").TextContent, StringComparison.Ordinal));

        Type(cut, second.Reveal());
        var keeping = SubmitAsync(cut);
        dialogs.WaitForAssertion(() => Assert.Contains(
            $"1 number bought with the key ending in {first.LastFour} is still open", dialogs.Find("[data-testid=confirm-dialog]").TextContent, StringComparison.Ordinal));
        await dialogs.Find("[data-testid=confirm-no]").ClickAsync(new());
        await keeping;
        Assert.Equal(first, (await Vault.GetAsync(UserId)).Key);

        Type(cut, second.Reveal());
        var replacing = SubmitAsync(cut);
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=confirm-yes]"));
        await dialogs.Find("[data-testid=confirm-yes]").ClickAsync(new());
        await replacing;
        cut.WaitForAssertion(() => Assert.Contains("Works: balance 5.00 USD", cut.Find("[data-testid=apikey-status]").TextContent, StringComparison.Ordinal));
        Assert.Equal(second, (await Vault.GetAsync(UserId)).Key);
        Assert.Equal(first, (await Vault.GetForActivationAsync(UserId, first.Fingerprint)).Key);
    }
}

public sealed class SandboxKeyButtonTests(SandboxServer sandbox) : DashboardPageContext(sandbox, sandboxInApp: true), IClassFixture<SandboxServer>
{
    [Fact]
    public async Task OneClick_SavesAWorkingSandboxKey_WithTheStartingBalance()
    {
        var cut = Render<ApiKeyPage>();

        await cut.ClickWhenReadyAsync("[data-testid=apikey-sandbox]");

        cut.WaitForAssertion(() => Assert.Contains("Works: balance 25.00 USD", cut.Find("[data-testid=apikey-status]").TextContent, StringComparison.Ordinal));
        var saved = await Services.GetRequiredService<ApiKeyVault>().GetAsync(UserId);
        Assert.Equal(StoredKeyState.Available, saved.State);
        Assert.DoesNotContain(saved.Key!.Reveal(), cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnTheTeamPage_ASandboxTeamKey_IsSavedInOneClick_WithTheStartingBalance()
    {
        var cut = Render<OtpWall.Dashboard.Components.Pages.Team.TeamPage>();
        cut.WaitForAssertion(() => Assert.Contains("No team key saved", cut.Find("[data-testid=teamkey-status]").TextContent, StringComparison.Ordinal));

        await cut.ClickWhenReadyAsync("[data-testid=teamkey-sandbox]");

        cut.WaitForAssertion(() => Assert.Contains("Team key saved", cut.Find("[data-testid=teamkey-feedback]").TextContent, StringComparison.Ordinal));
        cut.WaitForAssertion(() => Assert.Contains("25.00 USD", cut.Find("[data-testid=teamkey-balance]").TextContent, StringComparison.Ordinal));
        var saved = await Services.GetRequiredService<TeamKeyVault>().GetAsync();
        Assert.Equal(StoredKeyState.Available, saved.State);
        Assert.DoesNotContain(saved.Key!.Reveal(), cut.Markup, StringComparison.Ordinal);
    }
}
