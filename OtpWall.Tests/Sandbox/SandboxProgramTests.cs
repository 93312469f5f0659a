using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace OtpWall.Tests.Sandbox;

/// <summary>The simulator as its own program, as <c>dotnet run --project OtpWall.Sandbox</c> starts it.</summary>
public sealed class SandboxProgramTests
{
    [Fact]
    public async Task TheStandaloneSandbox_AnswersBalance_ForAKeyCreatedThroughTheControlSurface()
    {
        var program = Path.Combine(AppContext.BaseDirectory, "OtpWall.Sandbox.dll");
        // Port 0: the system picks a free port as the server binds it, so no other process can take it in between.
        using var process = Process.Start(new ProcessStartInfo("dotnet", [program, "--urls", "http://127.0.0.1:0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(await ListeningAddressAsync(process) + "/sandbox/") };
            const string key = "Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe";

            (await http.PostAsJsonAsync("control/keys", new { key, balance = 3.25m, currency = "USD" })).EnsureSuccessStatusCode();
            using var request = new HttpRequestMessage(HttpMethod.Get, "v1/balance");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var response = await http.SendAsync(request);

            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(3.25m, body.GetProperty("balance").GetDecimal());
            Assert.Equal("USD", body.GetProperty("currency").GetString());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    // The address Kestrel reports once it has bound ("Now listening on: http://127.0.0.1:41234").
    private static async Task<string> ListeningAddressAsync(Process process)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            var match = Regex.Match(line, @"Now listening on: (http://\S+)");
            if (!match.Success) continue;
            _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None); // keep draining, so logging never blocks it
            return match.Groups[1].Value;
        }
        throw new InvalidOperationException("The sandbox exited before it listened: " + await process.StandardError.ReadToEndAsync());
    }
}
