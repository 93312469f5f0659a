using OtpWall.Tests.Hosting;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Api;

/// <summary>What an operator's Prometheus sees of the team's API: requests by route and outcome, long polls waiting.</summary>
[Collection(MetricsRunAlone.Name)]
public sealed class ApiMetricsTests
{
    [Fact]
    public async Task ApiRequests_AreCountedByRouteAndOutcome_AndALongPollShowsWhileItWaits()
    {
        var team = new TeamApiHost();
        await team.StartAsync(MetricsTests.NewHost());
        try
        {
            var person = await team.PersonAsync();
            using var api = await team.ClientAsync(person.Id);
            var id = (await api.BuyAsync()).Body!["activation_id"]!.GetValue<string>();
            await api.GetAsync("balance", token: new string('x', 32));

            var waiting = api.GetAsync($"activation/{id}/status?wait=30");
            var scrape = "";
            using var cadence = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
            while (MetricsTests.Value(scrape, "otpwall_api_long_polls_waiting") < 1 && await cadence.WaitForNextTickAsync())
                scrape = (await MetricsTests.ScrapeAsync(team.Host.RootUri, MetricsTests.Token)).Body;
            team.Sandbox.DeliverSms(team.Host.Services.GetUpstreamIdOf(person.Id), "Your code is 556677");
            Assert.Equal(200, (await waiting).Status);

            scrape = (await MetricsTests.ScrapeAsync(team.Host.RootUri, MetricsTests.Token)).Body;
            Assert.Equal(1, Requests(scrape, "route=\"POST /api/v1/number\"", "outcome=\"ok\""));
            Assert.Equal(1, Requests(scrape, "outcome=\"unauthorized\""));
            Assert.Equal(1, Requests(scrape, "route=\"GET /api/v1/activation/{id}/status\"", "outcome=\"ok\""));
            Assert.Equal(0, MetricsTests.Value(scrape, "otpwall_api_long_polls_waiting"));
            Assert.DoesNotContain(api.Token, scrape, StringComparison.Ordinal);
        }
        finally
        {
            await team.DisposeAsync();
        }
    }

    // A route label holds braces ({id}), which the shared series reader does not take: the line is read here.
    private static double Requests(string scrape, params string[] labels) => scrape.Split('\n')
        .Where(l => l.StartsWith("otpwall_api_requests_total{", StringComparison.Ordinal) && labels.All(x => l.Contains(x, StringComparison.Ordinal)))
        .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
}
