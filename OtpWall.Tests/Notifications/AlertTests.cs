using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using OtpWall.BrowserTests.Support;
using OtpWall.Core.Accounts;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Catalogue;
using OtpWall.Core.Notifications;
using OtpWall.Core.Spending;
using OtpWall.Core.Wallet;
using OtpWall.Sandbox;
using OtpWall.Tests.Api;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Notifications;

/// <summary>
/// The alerts beyond codes, each to whoever chose it (observed at their webhook): a low balance once per crossing, a
/// team-key budget 80 % used, and, for administrators, a member disabled and the team balance below its warning.
/// </summary>
public sealed class AlertTests
{
    private static readonly Dictionary<string, string?> LocalWebhooks = new() { ["OtpWall:Notifications:AllowLocalWebhooks"] = "true" };

    [Fact]
    public async Task ALowBalance_IsToldOnceWhileItStaysLow_AndAgainAfterItRecovered()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var team = new TeamApiHost();
        await team.StartAsync(new DashboardHost(settings: LocalWebhooks));
        await using var _ = team;
        var person = await team.PersonAsync(balance: 10m);
        await ChooseAsync(team, person.Id, receiver, "/p", NotificationEvents.BalanceLow);
        var warnings = team.Host.Services.GetRequiredService<LowBalanceWarnings>();
        var wallet = team.Host.Services.GetRequiredService<WalletService>();

        Assert.Null(await warnings.SetForPersonAsync(person.Id, "20"));
        wallet.Forget(person.Id);
        await Eventually.TrueAsync(() => receiver.At("/p").Any(), "the low balance was told");
        wallet.Forget(person.Id); // read again, still low: not told again
        await wallet.ReadAsync(person.Id);

        Assert.Null(await warnings.SetForPersonAsync(person.Id, "5"));
        wallet.Forget(person.Id); // above the warning now: cleared
        await Eventually.TrueAsync(async () => (await wallet.ReadAsync(person.Id)).Balance is not null, "read above the warning");
        Assert.Null(await warnings.SetForPersonAsync(person.Id, "20"));
        wallet.Forget(person.Id);
        await Eventually.TrueAsync(() => receiver.At("/p").Count() == 2, "told again after recovering");
        var told = receiver.At("/p").First();
        Assert.Equal(NotificationEvents.BalanceLow, told.Event);
        Assert.Contains("below the warning of 20.00", told.Body["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(told.SignatureValid);
    }

    [Fact]
    public async Task ATeamKeyBudget80PercentUsed_TellsTheMember()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var team = new TeamApiHost();
        await team.StartAsync(new DashboardHost(settings: LocalWebhooks));
        await using var _ = team;
        var keys = team.Host.Services.GetRequiredService<TeamKeyService>();
        Assert.True((await keys.SaveAsync(team.AdminId, team.Sandbox.CreateAccount(null, 10m, null).Key)).Saved);
        var member = await team.PersonAsync(withKey: false);
        Assert.Null(await keys.SetKeyModeAsync(team.AdminId, member.Id, KeyMode.Team));
        var price = SandboxCatalogue.Price(SandboxCatalogue.Services.Single(s => s.Code == "telegram"), SandboxCatalogue.Countries.Single(c => c.Code == "PK"));
        Assert.Null(await keys.SetLimitsAsync(team.AdminId, member.Id, (price * 1.2m).ToString("0.00", CultureInfo.InvariantCulture), null));
        await ChooseAsync(team, member.Id, receiver, "/m", NotificationEvents.BudgetNearlyUsed);

        var bought = await team.Host.Services.GetRequiredService<Purchases>()
            .BuyAsync(member.Id, Guid.NewGuid(), new Service("telegram", "Telegram"), new Country("PK", "Pakistan"), Payer.Team);
        Assert.True(bought.Activation is not null, bought.ToString());
        await Eventually.TrueAsync(() => receiver.At("/m").Any(), "the budget alert reached the member");
        var told = Assert.Single(receiver.At("/m"));
        Assert.Equal(NotificationEvents.BudgetNearlyUsed, told.Event);

        // The team balance below the administrators' warning: the administrator who chose it is told.
        await ChooseAsync(team, team.AdminId, receiver, "/admin", NotificationEvents.TeamBalanceLow);
        Assert.Null(await team.Host.Services.GetRequiredService<LowBalanceWarnings>().SetForTeamAsync(team.AdminId, "50"));
        team.Host.Services.GetRequiredService<WalletService>().Forget(TeamKeyVault.Account);
        await Eventually.TrueAsync(() => receiver.At("/admin").Any(), "the team balance alert reached the administrator");
        Assert.Equal(NotificationEvents.TeamBalanceLow, receiver.At("/admin").Single().Event);
        Assert.DoesNotContain(receiver.At("/m"), r => r.Event == NotificationEvents.TeamBalanceLow);
        Assert.Equal("today", told.Body["period"]!.GetValue<string>());
        Assert.Contains("budget for today is", told.Body["text"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMemberDisabled_TellsTheOtherAdministrators_AndAMemberCannotChooseTeamAlerts()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var team = new TeamApiHost();
        await team.StartAsync(new DashboardHost(settings: LocalWebhooks));
        await using var _ = team;
        var second = await team.PersonAsync();
        var member = await team.PersonAsync();
        var people = team.Host.Services.GetRequiredService<TeamService>();
        Assert.Null(await people.SetAdministratorAsync(team.AdminId, second.Id, true));
        await ChooseAsync(team, second.Id, receiver, "/admin2", NotificationEvents.MemberDisabled);
        await ChooseAsync(team, team.AdminId, receiver, "/admin1", NotificationEvents.MemberDisabled);
        // A member's choice of an administrators' event is not kept.
        var (saved, _) = await team.Host.Services.GetRequiredService<WebhookService>().SaveAsync(member.Id, receiver.Address("/member").ToString(),
            [NotificationEvents.CodeReceived]);
        Assert.NotNull(saved);
        Assert.DoesNotContain("member.disabled", (await member.Session.GetPageAsync("/account/notifications")), StringComparison.Ordinal);

        Assert.Null(await people.SetDisabledAsync(team.AdminId, member.Id, true));
        await Eventually.TrueAsync(() => receiver.At("/admin2").Any(), "the other administrator was told");
        Assert.Contains(member.Email, receiver.At("/admin2").Single().Body["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(receiver.At("/admin1")); // who disabled them knows

        // A replica that loses the poller's lease tells the administrators who chose it (what LeaseKeeper calls), once a minute at most.
        await ChooseAsync(team, second.Id, receiver, "/admin2", NotificationEvents.LeaseLost);
        var alerts = team.Host.Services.GetRequiredService<Alerts>();
        await alerts.LeaseLostAsync("replica-a");
        await alerts.LeaseLostAsync("replica-a");
        await Eventually.TrueAsync(() => receiver.At("/admin2").Any(r => r.Event == NotificationEvents.LeaseLost), "the lease alert reached the administrator");
        Assert.Single(receiver.At("/admin2"), r => r.Event == NotificationEvents.LeaseLost);
    }

    /// <summary>The person's webhook, sending only <paramref name="event"/>.</summary>
    private static async Task ChooseAsync(TeamApiHost team, string userId, WebhookReceiver receiver, string path, string @event)
    {
        var (saved, refusal) = await team.Host.Services.GetRequiredService<WebhookService>().SaveAsync(userId, receiver.Address(path).ToString(), [@event]);
        Assert.Null(refusal);
        if (saved!.NewSecret is { } secret) receiver.KnowSecret(path, secret); // a webhook changed keeps its secret
    }
}
