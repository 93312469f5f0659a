using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Sandbox;

/// <summary>The simulator as its own program, as <c>dotnet run --project OtpWall.Sandbox</c> starts it.</summary>
public sealed class SandboxProgramTests
{
    [Fact]
    public async Task TheStandaloneSandbox_AnswersBalance_ForAKeyCreatedThroughTheControlSurface()
    {
        var port = FreePort.Next();
        var program = Path.Combine(AppContext.BaseDirectory, "OtpWall.Sandbox.dll");
        using var process = Process.Start(new ProcessStartInfo("dotnet", [program, "--urls", $"http://localhost:{port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://localhost:{port}/sandbox/") };
            await WaitUntilUpAsync(http);
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

    private static async Task WaitUntilUpAsync(HttpClient http)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                if ((await http.GetAsync("control/stats")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow >= deadline) throw new TimeoutException("The sandbox did not start within 30 s.");
            await Task.Delay(200);
        }
    }
}
