namespace OtpWall.Core.ApiKeys;

/// <summary>
/// The key that pays, and the key an activation was bought with: a person's own (from <see cref="ApiKeyVault"/>) or the
/// team's (from <see cref="TeamKeyVault"/>). Actions and the poller use the key recorded on the activation, whatever the
/// member's key mode became since.
/// </summary>
public sealed class PayingKeys(ApiKeyVault own, TeamKeyVault team)
{
    /// <summary>The account a wallet reading or a balance movement belongs to: the user id, or <see cref="TeamKeyVault.Account"/>.</summary>
    public static string AccountOf(string userId, Payer payer) => payer == Payer.Team ? TeamKeyVault.Account : userId;

    public Task<StoredKeyLookup> CurrentAsync(string userId, Payer payer, CancellationToken cancellationToken = default) =>
        payer == Payer.Team ? team.GetAsync(cancellationToken) : own.GetAsync(userId, cancellationToken);

    /// <summary>The current key of an account as <see cref="AccountOf"/> names it.</summary>
    public Task<StoredKeyLookup> CurrentAsync(string account, CancellationToken cancellationToken = default) =>
        CurrentAsync(account, account == TeamKeyVault.Account ? Payer.Team : Payer.Own, cancellationToken);

    /// <summary>
    /// Who pays when a member does not say: the team key for team-key members; with both allowed, their own key while
    /// they have one; otherwise their own.
    /// </summary>
    public async Task<Payer> DefaultPayerAsync(string userId, KeyMode mode, CancellationToken cancellationToken = default) => mode switch
    {
        KeyMode.Team => Payer.Team,
        KeyMode.Both when (await CurrentAsync(userId, Payer.Own, cancellationToken)).Key is null => Payer.Team,
        _ => Payer.Own,
    };

    public Task<StoredKeyLookup> ForActivationAsync(string userId, Payer payer, string? fingerprint, CancellationToken cancellationToken = default) =>
        payer == Payer.Team ? team.GetForActivationAsync(fingerprint, cancellationToken) : own.GetForActivationAsync(userId, fingerprint, cancellationToken);

    /// <summary>An activation ended: a replaced key kept only for it may go.</summary>
    public Task PruneRetiredAsync(string userId, Payer payer, CancellationToken cancellationToken = default) =>
        payer == Payer.Team ? team.PruneRetiredAsync(cancellationToken) : own.PruneRetiredAsync(userId, cancellationToken);
}
