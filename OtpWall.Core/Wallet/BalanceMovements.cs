namespace OtpWall.Core.Wallet;

/// <summary>
/// Watches what moves each account's balance (a person's own key, or the team key that several people spend from):
/// purchases in flight, refunds, purchases of unknown outcome. OTPWALL has no price list, so a price is the balance
/// before a purchase minus the balance after; it is only right when nothing else moved that account's balance in between.
/// A purchase opens a <see cref="PurchaseWindow"/> over that span and learns at its end whether it was alone. Each noted
/// movement also makes the account's wallet read again.
/// </summary>
public sealed class BalanceMovements(WalletService wallet)
{
    private readonly Dictionary<string, AccountState> _accounts = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Money came back to the account, or may have left it, outside a purchase that is measuring itself.</summary>
    public void Note(string account)
    {
        lock (_gate) StateOf(account).Version++;
        wallet.Forget(account);
    }

    /// <summary>A purchase of <paramref name="account"/> starts (before its balance is read); end the window after the balance is read again.</summary>
    public PurchaseWindow Begin(string account)
    {
        lock (_gate)
        {
            var state = StateOf(account);
            var overlapped = state.InFlight > 0;
            state.InFlight++;
            state.Version++;
            return new PurchaseWindow(this, account, state.Version, overlapped);
        }
    }

    // True when no other purchase of the account was in flight and nothing else moved it during the window.
    private bool End(PurchaseWindow window)
    {
        lock (_gate)
        {
            var state = StateOf(window.Account);
            state.InFlight--;
            return !window.Overlapped && state.Version == window.Version;
        }
    }

    private AccountState StateOf(string account)
    {
        if (!_accounts.TryGetValue(account, out var state)) _accounts[account] = state = new AccountState();
        return state;
    }

    private sealed class AccountState
    {
        public int InFlight;
        public long Version;
    }

    /// <summary>The span of one purchase; <see cref="End"/> says whether its balance difference is its price alone.</summary>
    public sealed class PurchaseWindow
    {
        private readonly BalanceMovements _owner;
        private bool? _alone;

        internal PurchaseWindow(BalanceMovements owner, string account, long version, bool overlapped) =>
            (_owner, Account, Version, Overlapped) = (owner, account, version, overlapped);

        public string Account { get; }

        internal long Version { get; }

        internal bool Overlapped { get; }

        /// <summary>Closes the window (once; later calls repeat the answer): whether the purchase was alone on its account.</summary>
        public bool End() => _alone ??= _owner.End(this);
    }
}
