using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OtpWall.Core.Accounts;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Audit;
using OtpWall.Core.Catalogue;
using OtpWall.Core.Data;
using OtpWall.Dashboard.Components.Pages.Audit;
using OtpWall.Dashboard.Components.Pages.Usage;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Dashboard;

[Trait("Database", "BothEngines")]
public sealed class AuditAndUsagePageTests(SandboxServer sandbox) : DashboardPageContext(sandbox), IClassFixture<SandboxServer>
{
    [Fact]
    public async Task TheAuditLog_ShowsEntriesNewestFirst_FiltersByAction_AndPages()
    {
        await using (var db = await Services.GetRequiredService<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync())
        {
            var start = Time.GetUtcNow().AddHours(-3);
            db.AuditEntries.AddRange(Enumerable.Range(0, 120).Select(i => new AuditEntry
            {
                At = start.AddMinutes(i), Action = i % 4 == 0 ? AuditActions.MemberDisabled : AuditActions.SignIn,
                ActorId = UserId, ActorEmail = "person@example.com", SubjectId = UserId, ClientAddress = "192.0.2.1", Text = $"Entry {i}.",
            }));
            await db.SaveChangesAsync();
        }
        var cut = Render<AuditLogPage>();

        cut.WaitForAssertion(() => Assert.Equal(AuditLog.PageSize, cut.FindAll("[data-testid=audit-row]").Count));
        Assert.Contains("Entry 119.", cut.FindAll("[data-testid=audit-row]")[0].TextContent, StringComparison.Ordinal);
        Assert.Equal("192.0.2.1", cut.FindAll("[data-testid=audit-address]")[0].TextContent);
        await cut.ClickWhenReadyAsync("[data-testid=audit-older]");
        cut.WaitForAssertion(() => Assert.Contains("Entry 69.", cut.FindAll("[data-testid=audit-row]")[0].TextContent, StringComparison.Ordinal));

        await cut.InvokeAsync(() => cut.Find("[data-testid=audit-action]").Change(AuditActions.MemberDisabled));

        cut.WaitForAssertion(() => Assert.Equal(30, cut.FindAll("[data-testid=audit-row]").Count));
        Assert.All(cut.FindAll("[data-testid=audit-row]"), row => Assert.Equal(AuditActions.MemberDisabled, row.GetAttribute("data-action")));
        Assert.Contains("action=member-disabled", cut.Find("[data-testid=audit-export]").GetAttribute("href"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_HasARowPerMember_WithTheirFigures_AndNoKeyOrNumber()
    {
        var key = await Sandbox.NewAccountAsync(10m);
        await Services.GetRequiredService<ApiKeyVault>().SaveAsync(UserId, key);
        var bought = await Services.GetRequiredService<Purchases>().BuyAsync(UserId, Guid.NewGuid(), new Service("telegram", "Telegram"), new Country("PK", "Pakistan"));
        await Services.GetRequiredService<RegistrationService>().SetPolicyAsync(UserId, RegistrationPolicy.Open);
        await Services.GetRequiredService<RegistrationService>().RegisterAsync("idle@example.com", "another long passphrase", null);

        var cut = Render<UsagePage>();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=usage-row]").Count));
        var person = cut.Find("[data-testid=usage-row][data-email='person@example.com']");
        Assert.Equal("1", person.QuerySelector("[data-testid=usage-bought]")!.TextContent);
        Assert.Equal($"{bought.Activation!.Price:0.00} USD", person.QuerySelector("[data-testid=usage-own-spent]")!.TextContent);
        Assert.Equal("0", cut.Find("[data-testid=usage-row][data-email='idle@example.com'] [data-testid=usage-bought]").TextContent);
        // Nothing spent is written in the same currency as what was spent beside it.
        Assert.Equal("0.00 USD", cut.Find("[data-testid=usage-row][data-email='idle@example.com'] [data-testid=usage-own-spent]").TextContent);
        Assert.Contains("1", cut.Find("[data-testid=usage-totals]").TextContent, StringComparison.Ordinal);
        cut.Find("[data-testid=usage-chart]");
        Assert.DoesNotContain(bought.Activation.Number!, cut.Markup, StringComparison.Ordinal);
        Assert.StartsWith("/team/usage/export.csv?from=", cut.Find("[data-testid=usage-export]").GetAttribute("href"), StringComparison.Ordinal);
    }

    [Fact]
    public void Usage_WithARangeThatRunsBackwards_KeepsBothFieldsAsChosen_AndSaysSo_UntilItRunsForward()
    {
        var cut = Render<UsagePage>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=usage-totals]"));
        var from = cut.Find("[data-testid=usage-from]").GetAttribute("value")!;

        cut.Find("[data-testid=usage-to]").Change("2001-01-01");

        cut.WaitForAssertion(() => cut.Find("[data-testid=usage-range-problem]"));
        Assert.Equal(from, cut.Find("[data-testid=usage-from]").GetAttribute("value"));
        Assert.Equal("2001-01-01", cut.Find("[data-testid=usage-to]").GetAttribute("value"));
        Assert.Empty(cut.FindAll("[data-testid=usage-totals]"));

        cut.Find("[data-testid=usage-from]").Change("2000-12-01");

        cut.WaitForAssertion(() => cut.Find("[data-testid=usage-totals]"));
        Assert.Empty(cut.FindAll("[data-testid=usage-range-problem]"));
        Assert.Equal("2000-12-01", cut.Find("[data-testid=usage-from]").GetAttribute("value"));
        Assert.Equal("2001-01-01", cut.Find("[data-testid=usage-to]").GetAttribute("value"));
        Assert.Contains("from=2000-12-01&to=2001-01-01", cut.Find("[data-testid=usage-export]").GetAttribute("href"), StringComparison.Ordinal);
    }
}
