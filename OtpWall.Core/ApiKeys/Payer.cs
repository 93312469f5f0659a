namespace OtpWall.Core.ApiKeys;

/// <summary>Whose OTPWALL account pays for a purchase: the person's own key, or the team key an administrator saved.</summary>
public enum Payer
{
    Own,
    Team,
}

/// <summary>Which keys an administrator lets a member buy with.</summary>
public enum KeyMode
{
    /// <summary>Their own key only (the default: nobody spends the team's money until an administrator says so).</summary>
    Own,

    /// <summary>The team key only.</summary>
    Team,

    /// <summary>Either; the member chooses on each purchase.</summary>
    Both,
}

public static class PayerExtensions
{
    /// <summary>The name pages and tests use: <c>own</c> or <c>team</c>.</summary>
    public static string ToContractName(this Payer payer) => payer == Payer.Team ? "team" : "own";

    public static bool Allows(this KeyMode mode, Payer payer) => mode == KeyMode.Both || (mode == KeyMode.Team) == (payer == Payer.Team);

    /// <summary>What a person reads: "your own key", "the team key", "your own key or the team key".</summary>
    public static string Describe(this KeyMode mode) => mode switch
    {
        KeyMode.Team => "the team key",
        KeyMode.Both => "your own key or the team key",
        _ => "your own key",
    };
}
