using Bunit;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.Activations.Polling;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Catalogue;
using OtpWall.Dashboard.Components.Pages.History;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Dashboard;

[Trait("Database", "BothEngines")]
public sealed class HistoryPageTests(SandboxServer sandbox) : DashboardPageContext(sandbox), IClassFixture<SandboxServer>
{
    private static readonly Service Telegram = new("telegram", "Telegram");
    private static readonly Service Google = new("google", "Google");

    private async Task<ActivationView> BuyAsync(Service service, string country, string countryName)
    {
        var bought = await Services.GetRequiredService<Purchases>().BuyAsync(UserId, Guid.NewGuid(), service, new Country(country, countryName));
        Time.Advance(TimeSpan.FromMinutes(1));
        return bought.Activation!;
    }

    [Fact]
    public async Task History_ListsNewestFirst_AndSummarisesPerService()
    {
        await Services.GetRequiredService<ApiKeyVault>().SaveAsync(UserId, await Sandbox.NewAccountAsync(20.00m));
        var first = await BuyAsync(Telegram, "PK", "Pakistan");
        var second = await BuyAsync(Google, "US", "United States");
        await Services.GetRequiredService<ActivationService>().CancelAsync(UserId, first.Id);

        var cut = Render<HistoryPage>();

        cut.WaitForAssertion(() => Assert.Equal(
            [second.UpstreamId, first.UpstreamId],
            cut.FindAll("tr[data-testid=activation-row]").Select(r => r.GetAttribute("data-activation-id"))));
        Assert.Equal(["waiting", "cancelled"], cut.FindAll("tr[data-testid=activation-row]").Select(r => r.GetAttribute("data-status")));
        // The same words as on Live activations, not the ids kept in data attributes and CSV.
        Assert.Equal(["Waiting for SMS", "Cancelled"], cut.FindAll("tr[data-testid=activation-row] [data-testid=activation-status]").Select(c => c.TextContent.Trim()));
        // The summary is read after the rows.
        cut.WaitForAssertion(() => Assert.Contains("Telegram", cut.Find("[data-testid=history-summary]").TextContent, StringComparison.Ordinal));
        Assert.Equal("/history/export.csv", cut.Find("[data-testid=history-export]").GetAttribute("href"));
        Assert.Equal(["/buy?service=google&country=US", "/buy?service=telegram&country=PK"],
            cut.FindAll("[data-testid=history-buy-again]").Select(a => a.GetAttribute("href")));
    }

    [Fact]
    public async Task Money_IsHonest_ACodeAndAWaitingNumberAreSpent_ACancelledOneIsRefunded_AndTheSummaryAddsUp()
    {
        await Services.GetRequiredService<ApiKeyVault>().SaveAsync(UserId, await Sandbox.NewAccountAsync(20.00m));
        var received = await BuyAsync(Telegram, "PK", "Pakistan");
        var waiting = await BuyAsync(Telegram, "PK", "Pakistan");
        var cancelled = await BuyAsync(Telegram, "PK", "Pakistan");
        await Sandbox.DeliverSmsAsync(received.UpstreamId!, "Telegram code: 12345");
        Time.Advance(TimeSpan.FromSeconds(5));
        await Services.GetRequiredService<ActivationPoller>().PollDueAsync(CancellationToken.None);
        Assert.True((await Services.GetRequiredService<ActivationService>().CancelAsync(UserId, cancelled.Id)).Confirmed);
        var price = received.Price!.Value;
        string Usd(decimal amount) => $"{amount.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)} USD";

        var cut = Render<HistoryPage>();

        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("tr[data-testid=activation-row]").Count));
        var prices = cut.FindAll("tr[data-testid=activation-row]").ToDictionary(r => r.GetAttribute("data-activation-id")!, r => r.QuerySelector("[data-testid=history-price]")!.TextContent.Trim());
        Assert.StartsWith("Refunded", prices[cancelled.UpstreamId!], StringComparison.Ordinal);
        Assert.Equal(Usd(price), prices[received.UpstreamId!]);
        Assert.Equal(Usd(waiting.Price!.Value), prices[waiting.UpstreamId!]);
        // The summary and the person's usage are read after the rows.
        cut.WaitForAssertion(() =>
        {
            Assert.Contains(Usd(3 * price), cut.Find("[data-testid=history-summary] tbody tr").TextContent, StringComparison.Ordinal);
            Assert.Equal(Usd(2 * price), cut.Find("[data-testid=history-net]").TextContent);
            Assert.Contains($"spent {Usd(2 * price)}, refunded {Usd(price)}", cut.Find("[data-testid=history-own-usage]").TextContent, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Filters_NarrowTheRows_AndTheExportLinkDownloadsExactlyThoseRows()
    {
        await Services.GetRequiredService<ApiKeyVault>().SaveAsync(UserId, await Sandbox.NewAccountAsync(20.00m));
        var activations = Services.GetRequiredService<ActivationService>();
        var purchases = Services.GetRequiredService<Purchases>();
        var cancelledTelegram = await BuyAsync(Telegram, "PK", "Pakistan");
        var cancelledGoogle = await BuyAsync(Google, "US", "United States");
        var waitingTelegram = await BuyAsync(Telegram, "IN", "India");
        await activations.CancelAsync(UserId, cancelledTelegram.Id);
        await activations.CancelAsync(UserId, cancelledGoogle.Id);
        var cut = Render<HistoryPage>();
        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("tr[data-testid=activation-row]").Count));

        await ChooseAsync(cut, "history-status", "cancelled");
        await ChooseAsync(cut, "history-service", "telegram");

        cut.WaitForAssertion(() => Assert.Equal(
            [cancelledTelegram.UpstreamId], cut.FindAll("tr[data-testid=activation-row]").Select(r => r.GetAttribute("data-activation-id"))));
        var link = cut.Find("[data-testid=history-export]").GetAttribute("href")!;
        Assert.Equal("/history/export.csv?status=cancelled&service=telegram", link);
        var exported = await ExportedIdsAsync(link);
        Assert.Equal([cancelledTelegram.UpstreamId], exported);
        Assert.DoesNotContain(waitingTelegram.UpstreamId, exported);
    }

    // What a person picks in a filter's list: the select's value changes as its item would change it.
    private static Task ChooseAsync(IRenderedComponent<HistoryPage> cut, string testId, string value) =>
        cut.Find($"select[data-testid={testId}]").ChangeAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = value });

    // The rows the export endpoint writes for this link: its query read the way the endpoint reads it.
    private async Task<IReadOnlyList<string?>> ExportedIdsAsync(string link)
    {
        var query = QueryHelpers.ParseQuery(new Uri("http://localhost" + link).Query);
        string? Part(string name) => query.TryGetValue(name, out var value) ? value.ToString() : null;
        var filter = HistoryExportEndpoint.FilterFrom(Part("status"), Part("service"), Part("country"), Part("from"), Part("to"));
        await using var csv = new StringWriter();
        await Services.GetRequiredService<ActivationQueries>().WriteCsvAsync(UserId, filter, csv);
        return [.. csv.ToString().Split("\r\n".ToCharArray(), StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(line => line.Split(',')[1])];
    }
}
