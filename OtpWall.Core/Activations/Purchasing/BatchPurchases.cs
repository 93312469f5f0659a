using OtpWall.Core.ApiKeys;
using OtpWall.Core.Catalogue;

namespace OtpWall.Core.Activations.Purchasing;

/// <summary>How a batch ended, for the colour of what the page says.</summary>
public enum BatchTone
{
    /// <summary>Everything asked for was bought.</summary>
    Done,

    /// <summary>Some were bought, or the outcome of one is unknown.</summary>
    Partly,

    /// <summary>Nothing was bought.</summary>
    Failed,
}

/// <summary>What a batch bought, and the purchase that stopped it (refused, or of unknown outcome), if one did.</summary>
/// <param name="Error">Something unexpected broke the batch (logged by whoever shows it; never shown as it is).</param>
public sealed record BatchResult(int Asked, IReadOnlyList<ActivationView> Bought, BuyResult? Stopped, Exception? Error = null)
{
    /// <summary>What to tell the person (for one number, what its purchase said).</summary>
    public string Message => Error is not null
            ? Bought.Count > 0
                ? $"Bought {Bought.Count} of {Asked}, then something went wrong. Check Live activations and your balance before buying more."
                : "The purchase could not be completed. Check Live activations and your balance before trying again."
        : Stopped is null ? $"Bought {Bought.Count} of {Asked}: all {Asked} are waiting for their SMS."
        : Asked == 1 ? Stopped.Message
        : Stopped.Outcome == BuyOutcome.OutcomeUnknown
            ? $"Bought {Bought.Count} of {Asked}. Stopped because the outcome of purchase {Bought.Count + 1} is unknown: {Stopped.Message}"
            : $"Bought {Bought.Count} of {Asked}. Purchase {Bought.Count + 1} was not made, so the rest were not tried: {Stopped.Message}";

    public BatchTone Tone => Error is not null ? BatchTone.Failed
        : Stopped is null ? BatchTone.Done
        : Stopped.Outcome == BuyOutcome.OutcomeUnknown || Bought.Count > 0 ? BatchTone.Partly : BatchTone.Failed;

    /// <summary>Whether something is on Live activations to look at (bought, or of unknown outcome).</summary>
    public bool SomethingToSee => Bought.Count > 0 || Stopped?.Outcome == BuyOutcome.OutcomeUnknown;

    public BuyRefusal? Refusal => Stopped?.Outcome == BuyOutcome.Refused ? Stopped.Refusal : null;
}

/// <summary>
/// Buys several numbers of one pair, one after the other, each with its own attempt id (so none is bought twice), and
/// stops at the first purchase that is refused or whose outcome is unknown: never more than asked, never one bought
/// behind the person's back. Cancelling stops it before its next purchase (the one being sent is seen through) and
/// throws <see cref="OperationCanceledException"/>.
/// </summary>
public sealed class BatchPurchases(FallbackPurchases purchases)
{
    public const int MaxQuantity = 10;

    /// <param name="onLines">Called with the batch's lines ("Buying …", "Bought +92…", "Not bought") whenever one changes.</param>
    public async Task<BatchResult> BuyAsync(
        string userId, Service service, Country country, Payer payer, int quantity, Action<IReadOnlyList<string>>? onLines = null,
        CancellationToken cancellationToken = default)
    {
        quantity = Math.Clamp(quantity, 1, MaxQuantity);
        var lines = new List<string>();
        var bought = new List<ActivationView>();
        for (var i = 0; i < quantity; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            lines.Add($"Buying {service.Name} · {country.Name}…");
            onLines?.Invoke(lines);
            BuyResult result;
            try
            {
                // Through the purchase policy with the one country: the team's default price ceiling for the service, if
                // any, holds for each number (one that cost more is cancelled at once).
                result = (await purchases.BuyAsync(userId, Guid.NewGuid(), service, [country], null, payer, cancellationToken: cancellationToken)).Result;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return new BatchResult(quantity, bought, null, ex);
            }
            if (result.Outcome != BuyOutcome.Bought)
            {
                lines[^1] = result.Outcome == BuyOutcome.OutcomeUnknown ? "Outcome unknown" : "Not bought";
                onLines?.Invoke(lines);
                return new BatchResult(quantity, bought, result);
            }
            bought.Add(result.Activation!);
            lines[^1] = $"Bought {result.Activation!.Number}";
            onLines?.Invoke(lines);
        }
        return new BatchResult(quantity, bought, null);
    }
}
