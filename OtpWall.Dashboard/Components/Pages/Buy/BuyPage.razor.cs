using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Insights;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Catalogue;
using OtpWall.Core.Spending;
using OtpWall.Core.Upstream;
using OtpWall.Core.Wallet;
using OtpWall.Dashboard.Components.Shared;

namespace OtpWall.Dashboard.Components.Pages.Buy;

/// <summary>
/// Buy: who pays (<see cref="PayerChoice"/>), the pair (<see cref="PairPicker"/>), what the team saw of it
/// (<see cref="PairInsightPanel"/>), one-click pairs (<see cref="QuickPairs"/>); the purchase itself is Core's
/// (<see cref="BatchPurchases"/>, one number or several).
/// </summary>
public sealed partial class BuyPage
{
    private string? _userId;
    private CatalogueSnapshot? _catalogue;
    private Service? _service;
    private Country? _country;
    private WalletReading? _wallet;
    private IDisposable? _walletSubscription;
    private SpendingStatus? _spending;
    private Payer _payer;
    private decimal? _lastPrice;
    private IReadOnlyList<PairView> _quickPairs = [];
    private string? _setupProblem;
    private string? _catalogueError;
    private bool _buying;
    private string? _message;
    private Severity _messageSeverity;
    private bool _showLiveLink;
    private bool _topUp;
    private bool _noNumbers;
    private PairInsightsSnapshot _insights = PairInsightsSnapshot.Empty;
    private int _quantity = 1;
    private IReadOnlyList<string> _batch = [];
    private bool _confirmQuickBuys;
    // The purchase's policy (BuyingRule): countries after the first, in order, and the most it may cost.
    private readonly List<Country?> _fallbacks = [];
    private decimal? _ceiling;
    private FallbackBuyResult? _ruleResult;
    private IReadOnlyList<BuyRuleView> _rules = [];
    private bool _administrator;
    // Leaving the page stops a batch before its next purchase (the one being sent is seen through).
    private readonly CancellationTokenSource _leaving = new();

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    // "Buy again" (a card, a History row): the pair to choose once the catalogue is in.
    [SupplyParameterFromQuery(Name = "service")]
    private string? AgainService { get; set; }

    [SupplyParameterFromQuery(Name = "country")]
    private string? AgainCountry { get; set; }

    protected override async Task OnInitializedAsync()
    {
        _userId = await AuthenticationState.IdAsync();
        _quickPairs = await Preferences.QuickPairsAsync(_userId);
        _confirmQuickBuys = (await Preferences.GetAsync(_userId)).ConfirmQuickBuys;
        await LoadRulesAsync();
        _insights = await Insights.GetAsync();
        Follow<InsightsRefreshed>(refreshed => OnInsightsRefreshedAsync(refreshed.Snapshot));
        _spending = await Spending.GetStatusAsync(_userId);
        // With both keys allowed, the person's own key is the default while it works; otherwise the team key.
        _payer = await Keys.DefaultPayerAsync(_userId, _spending.Mode);
        await UsePayerAsync();
    }

    private async Task ChoosePayerAsync(Payer payer)
    {
        _payer = payer;
        _message = null;
        await UsePayerAsync();
    }

    // The balance, catalogue and limits shown are those of the account that pays.
    private async Task UsePayerAsync()
    {
        _walletSubscription?.Dispose();
        var account = PayingKeys.AccountOf(_userId!, _payer);
        _walletSubscription = FollowFor<WalletRead>(account, read => _wallet = read.Reading);
        _wallet = null;
        var stored = await Keys.CurrentAsync(_userId!, _payer);
        _setupProblem = stored.Problem;
        if (stored.Key is not { } key) return;
        _wallet = await Wallet.ReadAsync(account);
        if (_catalogue is null) await LoadCatalogueAsync(key);
        if (_service is null && _country is null && _catalogue is not null)
        {
            _service = _catalogue.Services.FirstOrDefault(x => string.Equals(x.Code, AgainService, StringComparison.OrdinalIgnoreCase));
            _country = _catalogue.Countries.FirstOrDefault(x => string.Equals(x.Code, AgainCountry, StringComparison.OrdinalIgnoreCase));
        }
        await PairChangedAsync();
    }

    // The person chose another service or country: what the last purchase said was about the pair it was for.
    private Task PersonChangedPairAsync()
    {
        (_noNumbers, _message, _topUp, _showLiveLink) = (false, null, false, false);
        // The pair is kept in the address (replacing the history entry): a reload after a lost connection, or a link
        // shared, opens Buy with it chosen.
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            ["service"] = _service?.Code, ["country"] = _country?.Code,
        }), replace: true);
        return PairChangedAsync();
    }

    private async Task PairChangedAsync()
    {
        _lastPrice = _service is null || _country is null || _payer != Payer.Team ? null
            : await Spending.LastPriceAsync(_service.Code, _country.Code, _spending?.Currency);
    }

    // Known to be refused before anything is sent: the team key's limit is reached.
    private bool LimitReached => _payer == Payer.Team && _spending?.Reached is not null;

    // "Try again" after a failed load.
    private async Task LoadCatalogueAsync()
    {
        if (_userId is not null && (await Keys.CurrentAsync(_userId, _payer)).Key is { } key) await LoadCatalogueAsync(key);
    }

    private async Task LoadCatalogueAsync(OtpWallApiKey key)
    {
        _catalogueError = null;
        try
        {
            _catalogue = await Catalogue.GetAsync(key);
        }
        catch (OtpWallException ex)
        {
            _catalogueError = $"The list of services and countries could not be loaded: {ex.Message}";
        }
    }

    private Task ChooseServiceAsync(Service? service)
    {
        _service = service;
        return PersonChangedPairAsync();
    }

    private Task ChooseCountryAsync(Country? country)
    {
        _country = country;
        return PersonChangedPairAsync();
    }

    private async Task QuickBuyAsync(PairView pair)
    {
        if (_buying) return;
        if (_confirmQuickBuys && !await Dialogs.ConfirmAsync("Buy now?",
                $"Buy one {pair.ServiceName} number in {pair.CountryName} with {(_payer == Payer.Team ? "the team key" : "your own key")}?",
                $"Buy {pair.ServiceName} · {pair.CountryName}", "Not now"))
            return;
        await BuyManyAsync(new Service(pair.Service, pair.ServiceName), new Country(pair.Country, pair.CountryName), 1);
    }

    private async Task SetConfirmQuickBuysAsync(bool confirm)
    {
        _confirmQuickBuys = confirm;
        await Preferences.SetConfirmQuickBuysAsync(_userId!, confirm);
    }

    private bool UsesRule => _fallbacks.Any(c => c is not null) || _ceiling is not null;

    private string BuyLabel => UsesRule
        ? $"Buy {_service!.Name} · {_country!.Name}{(_fallbacks.Count(c => c is not null) is > 0 and var more ? $", then {more} more" : "")}{(_ceiling is { } most ? $", at most {most}" : "")}"
        : $"Buy {(_quantity > 1 ? $"{_quantity} × " : "")}{_service!.Name} · {_country!.Name}";

    private Task BuyAsync() => UsesRule ? BuyWithRuleAsync(_service!, CountriesChosen(), _ceiling) : BuyManyAsync(_service!, _country!, _quantity);

    private List<Country> CountriesChosen() =>
        [.. new[] { _country! }.Concat(_fallbacks.OfType<Country>()).DistinctBy(c => c.Code, StringComparer.OrdinalIgnoreCase)];

    private async Task LoadRulesAsync()
    {
        _rules = await Rules.ListAsync(_userId!);
        _administrator = await Team.IsAdministratorAsync(_userId!);
    }

    // A saved rule's button: one number with that rule (after a confirmation, when the person asked for one).
    private async Task BuyWithSavedRuleAsync(BuyRuleView rule)
    {
        if (_buying) return;
        if (_confirmQuickBuys && !await Dialogs.ConfirmAsync("Buy now?", $"Buy one number with the rule \"{rule.Name}\": {rule.Describe()}?", "Buy", "Not now"))
            return;
        await BuyWithRuleAsync(rule.Service, rule.Countries, rule.Ceiling);
    }

    private async Task<bool> SaveRuleAsync(string name, bool forTeam)
    {
        if (_userId is null || _service is null || _country is null) return false;
        if (await Rules.SaveAsync(_userId, name, _service, CountriesChosen(), _ceiling, forTeam) is { } refusal)
        {
            Snackbar.Add(refusal.Message, Severity.Warning);
            return false;
        }
        Snackbar.Add($"Rule \"{name.Trim()}\" saved{(forTeam ? " for the whole team" : "")}.", Severity.Success);
        await LoadRulesAsync();
        StateHasChanged(); // called by the rules' form, not through an event of this page
        return true;
    }

    private async Task RemoveRuleAsync(BuyRuleView rule)
    {
        if (!await Dialogs.ConfirmAsync($"Remove the rule \"{rule.Name}\"?", rule.ForTeam ? "It goes for everyone on the team." : rule.Describe(), "Remove", "Keep it"))
            return;
        if (await Rules.RemoveAsync(_userId!, rule.Id) is { } refusal) Snackbar.Add(refusal.Message, Severity.Warning);
        await LoadRulesAsync();
    }

    // One number with the purchase's policy (FallbackPurchases): the result says where it was bought and what happened
    // in each country before it; it stays on this page, with a link to the number.
    private Task BuyWithRuleAsync(Service service, IReadOnlyList<Country> countries, decimal? ceiling) => PurchaseAsync(async userId =>
    {
        var result = await Fallback.BuyAsync(userId, Guid.NewGuid(), service, countries, ceiling, _payer, cancellationToken: _leaving.Token);
        _insights = await Insights.GetAsync(fresh: true);
        if (result.Result.Outcome != BuyOutcome.Bought) _spending = await Spending.GetStatusAsync(userId);
        if (result.Result.Outcome == BuyOutcome.Refused && result.Tried.Count == 0)
        {
            Show(result.Result.Message, Severity.Error);
            _topUp = result.Result.Refusal == BuyRefusal.NotEnoughBalance;
        }
        else
        {
            _ruleResult = result;
        }
    });

    // What every purchase from this page shares: one at a time, what the last one said cleared, and leaving the page
    // stops it before its next purchase is sent.
    private async Task PurchaseAsync(Func<string, Task> purchase)
    {
        if (_buying || _userId is null) return;
        _buying = true;
        (_message, _showLiveLink, _topUp, _noNumbers, _ruleResult) = (null, false, false, false, null);
        _batch = [];
        try
        {
            await purchase(_userId);
        }
        catch (OperationCanceledException) when (_leaving.IsCancellationRequested)
        {
            // The page was left before the next purchase was sent: nothing more is bought.
        }
        finally
        {
            _buying = false;
        }
    }

    // One number, or a batch (BatchPurchases: each once, stopping at the first that is not bought). One number bought
    // opens Live activations with it; anything else is said here.
    private Task BuyManyAsync(Service service, Country country, int quantity) => PurchaseAsync(async userId =>
    {
        var batch = await Batches.BuyAsync(userId, service, country, _payer, quantity,
            quantity > 1 ? lines => { _batch = [.. lines]; StateHasChanged(); } : null, _leaving.Token);
        if (batch.Error is { } error) LogBuyFailed(Logger, error);
        _insights = await Insights.GetAsync(fresh: true);
        if (batch.Stopped is not null) _spending = await Spending.GetStatusAsync(userId);
        if (batch.Asked == 1 && batch.Bought.Count == 1)
        {
            Navigation.NavigateTo($"/activations?bought={batch.Bought[0].Id}");
            return;
        }
        Show(batch.Message, batch.Tone switch { BatchTone.Done => Severity.Success, BatchTone.Partly => Severity.Warning, _ => Severity.Error });
        _showLiveLink = batch.SomethingToSee;
        _topUp = batch.Refusal == BuyRefusal.NotEnoughBalance;
        _noNumbers = batch.Refusal == BuyRefusal.NoNumbers;
    });

    private bool IsFavourite(string service, string country) => _quickPairs.Any(p => p.IsFavourite && p.Service == service && p.Country == country);

    private async Task ToggleFavouriteAsync()
    {
        if (_service is null || _country is null || _userId is null) return;
        await Preferences.SetFavouriteAsync(_userId, _service, _country, !IsFavourite(_service.Code, _country.Code));
        _quickPairs = await Preferences.QuickPairsAsync(_userId);
    }

    private void Show(string message, Severity severity) => (_message, _messageSeverity) = (message, severity);

    // Someone's purchase or code changed what the team saw: the pickers and lines follow without a reload.
    private Task OnInsightsRefreshedAsync(PairInsightsSnapshot snapshot)
    {
        if (snapshot.At >= _insights.At) _insights = snapshot;
        return Task.CompletedTask;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing) return;
        _leaving.Cancel();
        _leaving.Dispose();
    }

    [LoggerMessage(LogLevel.Error, "Buying a number failed unexpectedly")]
    private static partial void LogBuyFailed(ILogger logger, Exception exception);
}
