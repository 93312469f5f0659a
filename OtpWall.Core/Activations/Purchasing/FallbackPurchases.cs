using System.Security.Cryptography;
using System.Text;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Catalogue;
using OtpWall.Core.Spending;
using OtpWall.Core.Wallet;

namespace OtpWall.Core.Activations.Purchasing;

/// <summary>What happened in one country of a purchase with fallback countries.</summary>
public enum CountryOutcome
{
    Bought,

    /// <summary>OTPWALL had no numbers there: the next country was tried.</summary>
    NoNumbers,

    /// <summary>The pair's last known price was above the ceiling: skipped before buying.</summary>
    SkippedAboveCeiling,

    /// <summary>Bought, but it cost more than the ceiling: cancelled at once (refunded), and the next country tried.</summary>
    CancelledAboveCeiling,
}

/// <summary>One country tried, and what a person reads about it.</summary>
public sealed record CountryTried(Country Country, CountryOutcome Outcome, string Message);

/// <param name="Result">The purchase's outcome: the number bought, or the refusal that ended the attempt.</param>
/// <param name="Tried">Every country tried, in order.</param>
public sealed record FallbackBuyResult(BuyResult Result, IReadOnlyList<CountryTried> Tried)
{
    /// <summary>Where the number was bought; null when none was.</summary>
    public Country? BoughtIn => Tried.LastOrDefault(t => t.Outcome == CountryOutcome.Bought)?.Country;
}

/// <summary>
/// A purchase with a policy instead of one pair: countries in order, each tried only when the one before had no
/// numbers (any other refusal, and a purchase of unknown outcome, stop at once), and an optional price ceiling: a pair
/// whose last known price is above it is skipped, and a number that cost more (measured, not estimated) is cancelled at
/// once and the next country tried. One purchase at a time (<see cref="Purchases"/>' gates), never two numbers kept
/// for one request; the same <paramref name="attemptId"/> again answers what the first attempt bought.
/// </summary>
public sealed class FallbackPurchases(
    Purchases purchases, ActivationService activations, SpendingService spending, PriceCeilings ceilings, Audit.AuditLog audit)
{
    /// <summary>The most countries one purchase tries.</summary>
    public const int MaxCountries = 10;

    public async Task<FallbackBuyResult> BuyAsync(
        string userId, Guid attemptId, Service service, IReadOnlyList<Country> countries, decimal? ceiling, Payer payer = Payer.Own,
        string? apiToken = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(countries.Count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(countries.Count, MaxCountries);
        // The team's default ceiling for the service holds unless the member may raise it.
        ceiling = await ceilings.EffectiveAsync(userId, service.Code, ceiling, cancellationToken);
        var tried = new List<CountryTried>();
        BuyResult? lastResult = null;
        for (var i = 0; i < countries.Count; i++)
        {
            var country = countries[i];
            if (ceiling is { } most && await spending.LastPriceAsync(service.Code, country.Code, null, cancellationToken) is { } last && last > most)
            {
                tried.Add(new CountryTried(country, CountryOutcome.SkippedAboveCeiling,
                    $"{country.Name}: skipped, its last price here ({Amounts.Text(last, null)}) is above the ceiling of {Amounts.Text(most, null)}."));
                await audit.RecordAsync(Audit.AuditActions.SkippedOverCeiling, userId,
                    $"Did not buy a {service.Name} number in {country.Name}: its last price here ({Amounts.Text(last, null)}) is above the ceiling of {Amounts.Text(most, null)}.",
                    cancellationToken: CancellationToken.None);
                continue;
            }
            var result = await purchases.BuyAsync(userId, AttemptIn(attemptId, i), service, country, payer, apiToken, cancellationToken);
            lastResult = result;
            if (result is { Outcome: BuyOutcome.Refused, Refusal: BuyRefusal.NoNumbers })
            {
                tried.Add(new CountryTried(country, CountryOutcome.NoNumbers, $"{country.Name}: no numbers."));
                continue;
            }
            if (result is { Outcome: BuyOutcome.Bought, Activation: { } bought } && ceiling is { } max && await OverCeilingAsync(userId, bought, max) is { } cancelled)
            {
                tried.Add(new CountryTried(country, CountryOutcome.CancelledAboveCeiling, cancelled));
                continue;
            }
            if (result.Outcome == BuyOutcome.Bought) tried.Add(new CountryTried(country, CountryOutcome.Bought, $"{country.Name}: bought."));
            return new FallbackBuyResult(result, tried);
        }
        // One country that had no numbers: its own refusal, as a plain purchase says it.
        if (countries.Count == 1 && lastResult is { Refusal: BuyRefusal.NoNumbers }) return new FallbackBuyResult(lastResult, tried);
        var message = string.Join(" ", tried.Select(t => t.Message)) + " Nothing was bought.";
        var refusal = tried.All(t => t.Outcome == CountryOutcome.NoNumbers) ? BuyRefusal.NoNumbers : BuyRefusal.AboveCeiling;
        return new FallbackBuyResult(new BuyResult(BuyOutcome.Refused, null, message, refusal), tried);
    }

    // A number that cost more than the ceiling (its price measured, not estimated) is cancelled at once; a sentence
    // when it was (or already had been, when the same attempt comes again), null when it is kept.
    private async Task<string?> OverCeilingAsync(string userId, ActivationView bought, decimal ceiling)
    {
        var (price, ceilingText) = (Amounts.Text(bought.Price ?? 0, bought.Currency), Amounts.Text(ceiling, bought.Currency));
        if (bought.Status == ActivationStatus.Cancelled && bought.Note?.StartsWith(Activation.OverCeilingPrefix, StringComparison.Ordinal) == true)
            return $"{bought.CountryName}: {bought.Note}";
        if (bought.Price is not { } cost || bought.PriceEstimated || cost <= ceiling) return null;
        var cancel = await activations.CancelAsync(userId, bought.Id, Activation.OverCeilingNote(price, ceilingText), CancellationToken.None);
        return cancel.Confirmed ? $"{bought.CountryName}: {Activation.OverCeilingNote(price, ceilingText)}" : null;
    }

    /// <summary>The attempt for the <paramref name="index"/>-th country of attempt <paramref name="attemptId"/>: always the same one.</summary>
    internal static Guid AttemptIn(Guid attemptId, int index) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"fallback\n{attemptId:N}\n{index}")).AsSpan(0, 16));
}
