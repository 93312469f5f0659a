using Bunit;
using Microsoft.Extensions.DependencyInjection;
using OtpWall.Core.Activations;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Catalogue;
using OtpWall.Dashboard.Components.Pages.History;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Dashboard;

public sealed class HistoryPageTests(SandboxServer sandbox) : DashboardPageContext(sandbox), IClassFixture<SandboxServer>
{
    [Fact]
    public async Task History_ListsNewestFirst_SummarisesPerService_AndExportsTheSameFilter()
    {
        await Services.GetRequiredService<ApiKeyVault>().SaveAsync(UserId, await Sandbox.NewAccountAsync(20.00m));
        var activations = Services.GetRequiredService<ActivationService>();
        var first = (await activations.BuyAsync(UserId, Guid.NewGuid(), new Service("telegram", "Telegram"), new Country("PK", "Pakistan"))).Activation!;
        Time.Advance(TimeSpan.FromMinutes(1));
        var second = (await activations.BuyAsync(UserId, Guid.NewGuid(), new Service("google", "Google"), new Country("US", "United States"))).Activation!;
        await activations.CancelAsync(UserId, first.Id);

        var cut = Render<HistoryPage>();

        cut.WaitForAssertion(() => Assert.Equal(
            [second.UpstreamId, first.UpstreamId],
            cut.FindAll("tr[data-testid=activation-row]").Select(r => r.GetAttribute("data-activation-id"))));
        Assert.Equal(["waiting", "cancelled"], cut.FindAll("tr[data-testid=activation-row]").Select(r => r.GetAttribute("data-status")));
        Assert.Contains("Telegram", cut.Find("[data-testid=history-summary]").TextContent, StringComparison.Ordinal);
        Assert.Equal("/history/export.csv", cut.Find("[data-testid=history-export]").GetAttribute("href"));
    }
}
