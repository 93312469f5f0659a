using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace OtpWall.Sandbox;

/// <summary>
/// The simulated OTPWALL's books: accounts, balances and activations. Time moves activations on lazily — every
/// read first applies what the clock says has happened (an SMS due, an expiry with its refund) — so the
/// simulator needs no timers and is exact under a fake clock. One lock keeps it consistent under concurrency.
/// </summary>
public sealed partial class SandboxSimulator(IOptions<SandboxOptions> options, TimeProvider time, SandboxRandom random)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Account> _accounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SandboxActivation> _activations = new(StringComparer.Ordinal);
    // What the control surface set (tests and demos): pairs or whole countries without numbers, and prices.
    private readonly Dictionary<(string? Service, string Country), bool> _stock = [];
    private readonly Dictionary<(string Service, string Country), decimal> _prices = [];
    private long _nextId = NewIdBase(random);

    private SandboxOptions Options => options.Value;

    public static bool IsWellFormedKey(string? key) => key is not null && KeyPattern().IsMatch(key);

    /// <summary>Creates an account, or resets an existing one's balance and currency. A missing key is generated.</summary>
    public (string Key, decimal Balance, string Currency) CreateAccount(string? key, decimal? balance, string? currency)
    {
        key ??= random.Pick("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 32);
        if (!IsWellFormedKey(key)) throw new SandboxRefusalException(400, "invalid_key", "A key is 32 letters and digits.");
        if (balance < 0) throw new SandboxRefusalException(400, "invalid_balance", "A balance cannot be negative.");
        currency = string.IsNullOrWhiteSpace(currency) ? Options.DefaultCurrency : currency.Trim().ToUpperInvariant();
        var amount = Math.Round(balance ?? Options.DefaultBalance, 2);
        lock (_gate)
        {
            _accounts[key] = new Account(amount, currency);
            _version++;
        }
        return (key, amount, currency);
    }

    public bool AccountExists(string key)
    {
        lock (_gate) return _accounts.ContainsKey(key);
    }

    public (decimal Balance, string Currency) GetBalance(string key)
    {
        lock (_gate)
        {
            var account = AccountOf(key);
            foreach (var activation in _activations.Values.Where(a => a.Key == key)) Advance(activation);
            return (account.Balance, account.Currency);
        }
    }

    /// <summary>Rents a number: checks service, country, stock and balance, then charges the price.</summary>
    public SandboxActivationView Buy(string key, string? serviceCode, string? countryCode)
    {
        var service = SandboxCatalogue.FindService(serviceCode)
            ?? throw new SandboxRefusalException(400, "unknown_service", $"Unknown service '{Shorten(serviceCode)}'.");
        var country = SandboxCatalogue.FindCountry(countryCode)
            ?? throw new SandboxRefusalException(400, "unknown_country", $"Unknown country '{Shorten(countryCode)}'.");
        decimal price;
        lock (_gate)
        {
            var inStock = _stock.TryGetValue((service.Code, country.Code), out var pair) ? pair
                : _stock.TryGetValue((null, country.Code), out var whole) ? whole
                : SandboxCatalogue.IsInStock(service, country);
            if (!inStock)
                throw new SandboxRefusalException(422, "no_numbers", $"No numbers available for {service.Name} in {country.Name} right now.");
            price = _prices.TryGetValue((service.Code, country.Code), out var set) ? set : SandboxCatalogue.Price(service, country);
        }
        var now = time.GetUtcNow();
        var smsDueAt = random.NextDouble() < Options.NoSmsRate ? (DateTimeOffset?)null : now + SmsDelay();
        var number = "+" + country.DialCode + random.Pick("23456789", 1) + random.Digits(country.NationalDigits - 1);
        lock (_gate)
        {
            var account = AccountOf(key);
            if (account.Balance < price)
                throw new SandboxRefusalException(402, "insufficient_balance", $"Not enough balance: {service.Name} in {country.Name} costs {price:0.00} {account.Currency}.");
            account.Balance -= price;
            var id = (_nextId += random.Next(1, 40)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var activation = new SandboxActivation(id, key, service, country, number, price, now, now + Options.ActivationLifetime, smsDueAt);
            _activations[id] = activation;
            _version++;
            return activation.ToView();
        }
    }

    public SandboxActivationView GetActivation(string key, string id)
    {
        lock (_gate)
        {
            var activation = ActivationOf(key, id);
            Advance(activation);
            return activation.ToView();
        }
    }

    /// <summary>Applies <c>complete</c> or <c>cancel</c> as OTPWALL's lifecycle allows.</summary>
    public SandboxActivationView ChangeStatus(string key, string id, string? requested)
    {
        var wantsComplete = requested?.Trim().ToUpperInvariant() is "COMPLETE" or "COMPLETED";
        var wantsCancel = requested?.Trim().ToUpperInvariant() is "CANCEL" or "CANCELLED" or "CANCELED";
        if (!wantsComplete && !wantsCancel)
            throw new SandboxRefusalException(400, "invalid_status", "Status must be 'complete' or 'cancel'.");

        lock (_gate)
        {
            var activation = ActivationOf(key, id);
            Advance(activation);
            switch (activation.Status)
            {
                case SandboxStatus.Received when wantsComplete:
                    activation.Status = SandboxStatus.Complete;
                    break;
                case SandboxStatus.Waiting when wantsCancel:
                    activation.Status = SandboxStatus.Cancelled;
                    _accounts[key].Balance += activation.Price;
                    break;
                case SandboxStatus.Waiting:
                    throw new SandboxRefusalException(409, "no_sms_yet", "No SMS has arrived yet; the activation cannot be completed.");
                case SandboxStatus.Received:
                    throw new SandboxRefusalException(409, "sms_received", "An SMS has arrived; the activation can no longer be cancelled.");
                default:
                    throw new SandboxRefusalException(409, "activation_closed", $"The activation is already {Wire(activation.Status)}.");
            }
            _version++;
            return activation.ToView();
        }
    }

    /// <summary>Delivers an SMS now (a control call): a waiting activation becomes received, a received one gets a newer SMS.</summary>
    public SandboxActivationView DeliverSms(string id, string? text)
    {
        lock (_gate)
        {
            if (!_activations.TryGetValue(id, out var activation)) throw SandboxRefusalException.NotFound();
            Advance(activation);
            if (activation.Status is not (SandboxStatus.Waiting or SandboxStatus.Received))
                throw new SandboxRefusalException(409, "activation_closed", $"The activation is already {Wire(activation.Status)}.");
            activation.SmsDueAt = null;
            activation.Status = SandboxStatus.Received;
            activation.Messages.Add(new SandboxSms(time.GetUtcNow(), string.IsNullOrWhiteSpace(text) ? SmsText(activation.Service) : text));
            _version++;
            return activation.ToView();
        }
    }

    /// <summary>
    /// A control call: <paramref name="serviceCode"/> in <paramref name="countryCode"/> (with no service, the whole
    /// country) has numbers or has none from now on, until set back or reset.
    /// </summary>
    public void SetStock(string? serviceCode, string? countryCode, bool available)
    {
        var country = SandboxCatalogue.FindCountry(countryCode)
            ?? throw new SandboxRefusalException(400, "unknown_country", $"Unknown country '{Shorten(countryCode)}'.");
        var service = serviceCode is null ? null : SandboxCatalogue.FindService(serviceCode)
            ?? throw new SandboxRefusalException(400, "unknown_service", $"Unknown service '{Shorten(serviceCode)}'.");
        lock (_gate) _stock[(service?.Code, country.Code)] = available;
    }

    /// <summary>A control call: what a number of <paramref name="serviceCode"/> in <paramref name="countryCode"/> costs from now on.</summary>
    public decimal SetPrice(string? serviceCode, string? countryCode, decimal? price)
    {
        var service = SandboxCatalogue.FindService(serviceCode)
            ?? throw new SandboxRefusalException(400, "unknown_service", $"Unknown service '{Shorten(serviceCode)}'.");
        var country = SandboxCatalogue.FindCountry(countryCode)
            ?? throw new SandboxRefusalException(400, "unknown_country", $"Unknown country '{Shorten(countryCode)}'.");
        if (price is not (> 0 and <= 1000)) throw new SandboxRefusalException(400, "invalid_price", "A price is more than 0 and at most 1000.");
        var rounded = Math.Round(price.Value, 2);
        lock (_gate) _prices[(service.Code, country.Code)] = rounded;
        return rounded;
    }

    public void Reset()
    {
        lock (_gate)
        {
            _accounts.Clear();
            _activations.Clear();
            _stock.Clear();
            _prices.Clear();
            random.Reset(Options.Seed);
            _nextId = NewIdBase(random);
            _version++;
        }
    }

    /// <summary>The status word the simulated OTPWALL sends.</summary>
    public static string Wire(SandboxStatus status) => status switch
    {
        SandboxStatus.Waiting => "waiting",
        SandboxStatus.Received => "received",
        SandboxStatus.Complete => "complete",
        SandboxStatus.Cancelled => "cancelled",
        _ => "expired",
    };

    // What the clock says has happened since the last look. Must hold _gate.
    private void Advance(SandboxActivation activation)
    {
        if (activation.Status == SandboxStatus.Waiting && activation.SmsDueAt is { } due && due < activation.ExpiresAt && due <= time.GetUtcNow())
        {
            activation.Status = SandboxStatus.Received;
            activation.Messages.Add(new SandboxSms(due, SmsText(activation.Service)));
            activation.SmsDueAt = null;
            _version++;
        }
        if (activation.ExpiresAt > time.GetUtcNow()) return;
        if (activation.Status == SandboxStatus.Waiting)
        {
            activation.Status = SandboxStatus.Expired;
            _accounts[activation.Key].Balance += activation.Price;
            _version++;
        }
        else if (activation.Status == SandboxStatus.Received)
        {
            // The rental ran out after a code came: the provider closes it as used, and keeps the charge.
            activation.Status = SandboxStatus.Complete;
            _version++;
        }
    }

    private Account AccountOf(string key) =>
        _accounts.TryGetValue(key, out var account) ? account : throw SandboxRefusalException.Unauthorized();

    private SandboxActivation ActivationOf(string key, string id)
    {
        AccountOf(key);
        // Another key's activation is as unknown as a missing one: no hint that it exists.
        return _activations.TryGetValue(id, out var activation) && activation.Key == key ? activation : throw SandboxRefusalException.NotFound();
    }

    private TimeSpan SmsDelay()
    {
        var (min, max) = (Options.SmsDelayMin, Options.SmsDelayMax);
        return max <= min ? min : min + (max - min) * random.NextDouble();
    }

    private string SmsText(SandboxService service)
    {
        var template = service.SmsTemplates[random.Next(0, service.SmsTemplates.Count)];
        string? first = null;
        return Placeholder().Replace(template, m =>
        {
            if (m.Groups["same"].Success) return first ?? "";
            var length = m.Groups["n"].Value[0] - '0';
            var value = m.Groups["kind"].Value == "d" ? random.Digits(length) : random.Pick("ABCDEFGHJKMNPQRSTVWXYZ23456789", length);
            first ??= value;
            return value;
        });
    }

    private static long NewIdBase(SandboxRandom random) => 400_000_000L + random.Next(0, 100_000_000);

    private static string Shorten(string? text) => text is null ? "" : text.Length <= 40 ? text : text[..40] + "…";

    [GeneratedRegex("^[A-Za-z0-9]{32}$")]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"\{(?:(?<kind>[dA])(?<n>\d)|(?<same>c))\}")]
    private static partial Regex Placeholder();

    private sealed class Account(decimal balance, string currency)
    {
        public decimal Balance { get; set; } = balance;
        public string Currency { get; } = currency;
    }
}
