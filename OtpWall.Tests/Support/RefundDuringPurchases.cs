using Microsoft.EntityFrameworkCore;
using OtpWall.BrowserTests.Support;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Catalogue;
using OtpWall.Core.Data;
using OtpWall.Sandbox;

namespace OtpWall.Tests.Support;

/// <summary>
/// The drill that overspent team-key limits: a member buys a pair never bought before with the team key, and while each
/// purchase is on its way (its balance being read) a teammate cancels one of their team-key numbers, so OTPWALL refunds
/// it between the balance read before that purchase and the one after. Run until the member's limit refuses them.
/// </summary>
internal static class RefundDuringPurchases
{
    public static readonly Service WhatsApp = new("whatsapp", "WhatsApp");
    public static readonly Country UnitedKingdom = new("GB", "United Kingdom");

    /// <summary>What OTPWALL (the sandbox) charges for the pair.</summary>
    public static decimal Price { get; } = SandboxCatalogue.Price(
        SandboxCatalogue.Services.Single(s => s.Code == WhatsApp.Code), SandboxCatalogue.Countries.Single(c => c.Code == UnitedKingdom.Code));

    /// <summary>Returns how many the member bought and the refusal that stopped them ("" when none did, after as many tries as numbers to cancel).</summary>
    public static async Task<(int Bought, string Refusal)> RunAsync(
        Purchases buying, ActivationService cancelling, IDbContextFactory<OtpWallDbContext> databases,
        string member, string teammate, Queue<Guid> teammatesNumbers)
    {
        var (bought, refusal) = (0, "");
        while (teammatesNumbers.Count > 0 && refusal.Length == 0)
        {
            var purchase = buying.BuyAsync(member, Guid.NewGuid(), WhatsApp, UnitedKingdom, Payer.Team);
            await OnItsWayAsync(purchase, databases, member);
            var cancel = cancelling.CancelAsync(teammate, teammatesNumbers.Dequeue());
            var result = await purchase;
            Assert.True((await cancel).Confirmed);
            if (result.Outcome == BuyOutcome.Bought) bought++;
            else refusal = result.Message;
        }
        return (bought, refusal);
    }

    /// <summary>Waits until <paramref name="purchase"/> is on its way: its "Buying…" row is written and its balance is being read.</summary>
    public static Task OnItsWayAsync(Task purchase, IDbContextFactory<OtpWallDbContext> databases, string member) =>
        Eventually.EqualAsync(true, async () => purchase.IsCompleted || await IsBuyingAsync(databases, member), everyMs: 20);

    private static async Task<bool> IsBuyingAsync(IDbContextFactory<OtpWallDbContext> databases, string member)
    {
        await using var db = await databases.CreateDbContextAsync();
        return await db.Activations.AnyAsync(a => a.UserId == member && a.Status == ActivationStatus.Buying);
    }
}
