namespace OtpWall.Core.Wallet;

/// <summary>A wallet balance. Money is always <see cref="decimal"/>.</summary>
public sealed record Balance(decimal Amount, string Currency)
{
    /// <summary>As the dashboard shows it: <c>12.50 USD</c>.</summary>
    public override string ToString() => Amounts.Text(Amount, Currency);
}
