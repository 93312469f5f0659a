using System.Net;
using Microsoft.Extensions.Logging;
using OtpWall.Core.Activations;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Catalogue;
using OtpWall.Core.Wallet;
using Polly.Timeout;
using Refit;

namespace OtpWall.Core.Upstream;

/// <summary>
/// The six OTPWALL calls, each made with the key it is given. Answers are read tolerantly; every failure
/// is an <see cref="OtpWallException"/>. Caller cancellation surfaces as <see cref="OperationCanceledException"/>,
/// except during a purchase, where it means the outcome is unknown.
/// </summary>
public sealed partial class OtpWallClient
{
    /// <summary>What OTPWALL's document shows as the currency, used when an answer leaves it out.</summary>
    private const string DocumentedCurrency = "USD";

    private readonly IOtpWallApi _api;
    private readonly TimeProvider _time;
    private readonly ILogger<OtpWallClient> _logger;
    private readonly Diagnostics.OtpWallMetrics? _metrics;

    internal OtpWallClient(IOtpWallApi api, TimeProvider time, ILogger<OtpWallClient> logger, Diagnostics.OtpWallMetrics? metrics = null) =>
        (_api, _time, _logger, _metrics) = (api, time, logger, metrics);

    // Every public call is counted once by operation and outcome, with its duration (retries of a GET included).
    private async Task<T> MeasureAsync<T>(string operation, Func<Task<T>> call)
    {
        if (_metrics is null) return await call();
        var started = _time.GetTimestamp();
        var outcome = "ok";
        try
        {
            return await call();
        }
        catch (Exception ex)
        {
            outcome = Diagnostics.OtpWallMetrics.OutcomeOf(ex);
            throw;
        }
        finally
        {
            _metrics.UpstreamCall(operation, outcome, _time.GetElapsedTime(started));
        }
    }

    /// <summary><c>GET /balance</c>.</summary>
    public async Task<Balance> GetBalanceAsync(OtpWallApiKey apiKey, CancellationToken cancellationToken = default)
    {
        var answer = await SendAsync(apiKey, "balance", false, key => _api.GetBalanceAsync(key, cancellationToken), cancellationToken);
        if (answer.Balance is not { } amount) throw Unreadable("balance", HttpStatusCode.OK);
        var currency = string.IsNullOrWhiteSpace(answer.Currency) ? DocumentedCurrency : answer.Currency.Trim().ToUpperInvariant();
        return new Balance(amount, currency);
    }

    /// <summary>
    /// <c>POST /number</c>, sent exactly once. A refusal is the matching <see cref="OtpWallException"/>; an
    /// answer that may hide a charge (timeout, lost connection, 5xx, unreadable success, cancellation after
    /// sending) is <see cref="PurchaseOutcomeUnknownException"/>.
    /// </summary>
    public Task<PurchasedNumber> BuyNumberAsync(
        OtpWallApiKey apiKey, string serviceCode, string countryCode, CancellationToken cancellationToken = default) =>
        MeasureAsync("buy", () => SendPurchaseAsync(apiKey, serviceCode, countryCode, cancellationToken));

    private async Task<PurchasedNumber> SendPurchaseAsync(
        OtpWallApiKey apiKey, string serviceCode, string countryCode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceCode);
        ArgumentException.ThrowIfNullOrWhiteSpace(countryCode);
        cancellationToken.ThrowIfCancellationRequested();

        IApiResponse<ActivationResponse> response;
        try
        {
            response = await _api.BuyNumberAsync(apiKey.Reveal(), new BuyNumberRequest(serviceCode, countryCode), cancellationToken);
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            throw PurchaseTransportFailure(ex);
        }

        using (response)
        {
            if (response.HasRequestError(out var requestError) || response.StatusCode is not { } status)
                throw PurchaseTransportFailure(NoAnswerCause(requestError));
            if ((int)status >= 500)
            {
                LogOutcomeUnknown(_logger, $"HTTP {(int)status}");
                throw new PurchaseOutcomeUnknownException("OTPWALL had a problem of its own while it took the purchase.", status);
            }
            if (!response.IsSuccessStatusCode) throw ErrorAnswer(response, status, apiKey, "buy", false);
            if (response.Error is not null || response.Content is not { ActivationId: { Length: > 0 } id, Number: { Length: > 0 } number } bought)
            {
                LogOutcomeUnknown(_logger, "unreadable answer");
                throw new PurchaseOutcomeUnknownException("OTPWALL accepted the purchase but its answer could not be read.", status);
            }
            return new PurchasedNumber(id.Trim(), number.Trim(), ActivationStatuses.Parse(bought.Status), bought.Status ?? "");
        }
    }

    /// <summary><c>GET /activation/{id}/status</c>.</summary>
    public async Task<ActivationSnapshot> GetActivationAsync(
        OtpWallApiKey apiKey, string activationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(activationId);
        var answer = await SendAsync(apiKey, "status", true,
            key => _api.GetActivationStatusAsync(key, activationId, cancellationToken), cancellationToken);
        var sms = string.IsNullOrWhiteSpace(answer.Sms) ? null : answer.Sms;
        return new ActivationSnapshot(activationId, ActivationStatuses.Parse(answer.Status), answer.Status ?? "", sms,
            string.IsNullOrWhiteSpace(answer.Number) ? null : answer.Number.Trim());
    }

    /// <summary><c>POST /activation/{id}/status {"status":"complete"}</c>. Not retried.</summary>
    public Task CompleteAsync(OtpWallApiKey apiKey, string activationId, CancellationToken cancellationToken = default) =>
        ChangeStatusAsync(apiKey, activationId, "complete", cancellationToken);

    /// <summary><c>POST /activation/{id}/status {"status":"cancel"}</c>. Not retried.</summary>
    public Task CancelAsync(OtpWallApiKey apiKey, string activationId, CancellationToken cancellationToken = default) =>
        ChangeStatusAsync(apiKey, activationId, "cancel", cancellationToken);

    /// <summary><c>GET /countries</c>; entries without a code are dropped.</summary>
    public async Task<IReadOnlyList<Country>> GetCountriesAsync(OtpWallApiKey apiKey, CancellationToken cancellationToken = default)
    {
        var entries = await SendAsync(apiKey, "countries", false, key => _api.GetCountriesAsync(key, cancellationToken), cancellationToken);
        return [.. ValidEntries(entries).Select(e => new Country(e.Code, e.Name))];
    }

    /// <summary><c>GET /services</c>; entries without a code are dropped.</summary>
    public async Task<IReadOnlyList<Service>> GetServicesAsync(OtpWallApiKey apiKey, CancellationToken cancellationToken = default)
    {
        var entries = await SendAsync(apiKey, "services", false, key => _api.GetServicesAsync(key, cancellationToken), cancellationToken);
        return [.. ValidEntries(entries).Select(e => new Service(e.Code, e.Name))];
    }

    private async Task ChangeStatusAsync(OtpWallApiKey apiKey, string activationId, string status, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(activationId);
        // The document gives no answer body for this call: any 2xx is success, whatever it contains.
        await SendAsync(apiKey, status, true,
            key => _api.ChangeActivationStatusAsync(key, activationId, new ChangeStatusRequest(status), cancellationToken),
            cancellationToken, requireBody: false);
    }

    private static IEnumerable<(string Code, string Name)> ValidEntries(List<CatalogueEntryResponse> entries) =>
        entries
            .Where(e => !string.IsNullOrWhiteSpace(e?.Code))
            .Select(e => (Code: e.Code!.Trim(), Name: string.IsNullOrWhiteSpace(e.Name) ? e.Code!.Trim() : e.Name.Trim()));

    private Task<T> SendAsync<T>(
        OtpWallApiKey apiKey, string operation, bool aboutAnActivation, Func<string, Task<IApiResponse<T>>> call,
        CancellationToken cancellationToken, bool requireBody = true) =>
        MeasureAsync(operation, () => SendOnceAsync(apiKey, operation, aboutAnActivation, call, requireBody, cancellationToken));

    private async Task<T> SendOnceAsync<T>(
        OtpWallApiKey apiKey, string operation, bool aboutAnActivation, Func<string, Task<IApiResponse<T>>> call,
        bool requireBody, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        IApiResponse<T> response;
        try
        {
            response = await call(apiKey.Reveal());
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            throw TransportFailure(operation, ex);
        }

        using (response)
        {
            if (response.HasRequestError(out var requestError) || response.StatusCode is not { } status)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw TransportFailure(operation, NoAnswerCause(requestError));
            }
            if (!response.IsSuccessStatusCode) throw ErrorAnswer(response, status, apiKey, operation, aboutAnActivation);
            if (!requireBody) return default!;
            if (response.Error is not null || response.Content is null) throw Unreadable(operation, status);
            return response.Content;
        }
    }

    private OtpWallException ErrorAnswer(
        IApiResponse response, HttpStatusCode status, OtpWallApiKey apiKey, string operation, bool aboutAnActivation)
    {
        var body = response.Error is ApiException apiException ? apiException.Content : null;
        var error = UpstreamErrors.FromStatus(
            status, body, response.ContentHeaders?.ContentType?.MediaType, response.Headers?.RetryAfter,
            apiKey, aboutAnActivation, _time.GetUtcNow());
        LogRefused(_logger, operation, (int)status, error.GetType().Name);
        return error;
    }

    private OtpWallUnreadableResponseException Unreadable(string operation, HttpStatusCode status)
    {
        LogUnreadable(_logger, operation, (int)status);
        return new OtpWallUnreadableResponseException(status);
    }

    private OtpWallException TransportFailure(string operation, Exception ex)
    {
        LogTransportFailure(_logger, operation, ex.GetType().Name);
        return IsTimeout(ex) ? new OtpWallTimeoutException(ex) : new OtpWallUnavailableException(null, ex);
    }

    private OtpWallException PurchaseTransportFailure(Exception ex)
    {
        if (WasNeverSent(ex))
        {
            LogTransportFailure(_logger, "buy", ex.GetType().Name);
            return new OtpWallUnavailableException(null, ex);
        }
        LogOutcomeUnknown(_logger, ex.GetType().Name);
        var reason = IsTimeout(ex) ? "OTPWALL did not answer in time." : "The connection to OTPWALL was lost before it answered.";
        return new PurchaseOutcomeUnknownException(reason, null, ex);
    }

    private static Exception NoAnswerCause(ApiRequestException? requestError) =>
        requestError?.InnerException ?? (Exception?)requestError ?? new HttpRequestException("OTPWALL sent no answer.");

    private static bool IsTransportFailure(Exception ex) =>
        ex is HttpRequestException or TimeoutRejectedException or OperationCanceledException or IOException or ApiExceptionBase;

    private static bool IsTimeout(Exception ex) => ex is TimeoutRejectedException or OperationCanceledException;

    // Only a failure to open the connection proves the purchase never left this machine; anything later
    // (reset, half an answer, timeout) may hide a charge.
    private static bool WasNeverSent(Exception ex) =>
        ex is HttpRequestException
        {
            HttpRequestError: HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError
                or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError,
        };

    [LoggerMessage(LogLevel.Warning, "OTPWALL refused {Operation}: HTTP {Status} ({Error})")]
    private static partial void LogRefused(ILogger logger, string operation, int status, string error);

    [LoggerMessage(LogLevel.Warning, "OTPWALL {Operation} answered HTTP {Status} with a body that could not be read")]
    private static partial void LogUnreadable(ILogger logger, string operation, int status);

    [LoggerMessage(LogLevel.Warning, "OTPWALL {Operation} failed before an answer: {Failure}")]
    private static partial void LogTransportFailure(ILogger logger, string operation, string failure);

    [LoggerMessage(LogLevel.Error, "OTPWALL purchase outcome unknown ({Reason}); it will not be retried")]
    private static partial void LogOutcomeUnknown(ILogger logger, string reason);
}
