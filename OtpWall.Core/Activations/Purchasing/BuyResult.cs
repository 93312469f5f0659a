namespace OtpWall.Core.Activations.Purchasing;

public enum BuyOutcome
{
    Bought,
    Refused,

    /// <summary>Sent, but the result is unknown: recorded as outcome-unknown, never bought again automatically.</summary>
    OutcomeUnknown,
}

/// <summary>Why OTPWALL refused a purchase, where the way forward differs.</summary>
public enum BuyRefusal
{
    Other,

    /// <summary>No numbers for the pair right now: another country may have some.</summary>
    NoNumbers,

    /// <summary>The paying wallet cannot pay: it needs a top-up.</summary>
    NotEnoughBalance,

    /// <summary>A team-key budget (or the member's right to the team key) refused it before anything was sent.</summary>
    Limit,

    /// <summary>No key to pay with (none saved, or unreadable).</summary>
    NoKey,

    /// <summary>Another purchase of this person (or of the team key) is still on its way: nothing was sent.</summary>
    Busy,

    /// <summary>OTPWALL refused the paying key.</summary>
    KeyRefused,

    /// <summary>OTPWALL asked us to slow down.</summary>
    RateLimited,

    /// <summary>OTPWALL refused the request itself (an unknown service or country).</summary>
    BadRequest,

    /// <summary>Every country was above the purchase's price ceiling (skipped, or bought and cancelled at once).</summary>
    AboveCeiling,
}

/// <param name="Refusal">For a refused purchase, why (when it matters for what to do next).</param>
public sealed record BuyResult(BuyOutcome Outcome, ActivationView? Activation, string Message, BuyRefusal Refusal = BuyRefusal.Other);
