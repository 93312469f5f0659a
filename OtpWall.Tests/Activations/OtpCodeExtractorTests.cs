using OtpWall.Core.Activations;

namespace OtpWall.Tests.Activations;

/// <summary>Real-world SMS texts, across services and languages, and the code a person would type.</summary>
public sealed class OtpCodeExtractorTests
{
    public static TheoryData<string, string?> Messages => new()
    {
        // Plain codes
        { "Telegram code: 48213\n\nYou can also tap on this link to log in:\nhttps://t.me/login/48213", "48213" },
        { "Your Discord security code is: 904512", "904512" },
        { "Use 775310 as Microsoft account security code", "775310" },
        { "Your OpenAI verification code is: 318274", "318274" },
        { "992211 is your Amazon OTP. Do not share it with anyone.", "992211" },
        { "Your Apple Account code is: 614930. Don't share it with anyone.\n\n@apple.com #614930 %apple.com", "614930" },
        { "PayPal: 406118 is your security code. Don't share your code.", "406118" },
        { "Your Viber code: 552090. Don't share it.", "552090" },
        { "Your LinkedIn verification code is 730015.", "730015" },
        { "Your Tinder code is 118844\n\n@tinder.com #118844", "118844" },
        { "[Binance] Verification code: 261748. Valid for 30 minutes. Do not share this code with anyone.", "261748" },
        { "Netflix: Your verification code is 4821. It expires in 15 minutes.", "4821" },
        { "1234", "1234" },
        { "Your PIN is 0042", "0042" },
        { "Your verification code is 12345678", "12345678" },
        // Split codes
        { "<#> Your WhatsApp code: 123-456\nYou can also tap on this link to verify your phone: v.whatsapp.com/123456\nDon't share this code with others\n4sgLq1p5sV6", "123456" },
        { "Tu código de WhatsApp: 905-117. No compartas este código con nadie.", "905117" },
        { "381 204 is your Instagram code. Don't share it.", "381204" },
        { "Snapchat code: 640-221. Happy Snapping!", "640221" },
        { "Your Signal code: 118-930\nDo not share this code\ndoDiFGKPO1r", "118930" },
        // Prefixed codes
        { "G-482913 is your Google verification code.", "482913" },
        { "G-553120 ist dein Bestätigungscode von Google.", "553120" },
        { "FB-71452 is your Facebook confirmation code", "71452" },
        // Letters and digits
        { "Steam: your login code is Q7K2M. Valid for 30 min, on 12/03/2026.", "Q7K2M" },
        { "Your Epic Games security code: F4KP9Z", "F4KP9Z" },
        // Other languages
        { "Код подтверждения Telegram: 55120. Никому не давайте код!", "55120" },
        { "【微信】验证码：663018，10分钟内有效。", "663018" },
        { "[Shopee] Mã xác minh của bạn là 402871. Có hiệu lực trong 15 phút. Không chia sẻ mã này.", "402871" },
        { "Kode verifikasi Gojek kamu: 7731. JANGAN BERIKAN kode ini ke siapa pun.", "7731" },
        { "Votre code de vérification est 219034", "219034" },
        { "Ihr Bestätigungscode lautet 884210", "884210" },
        { "Seu código do Uber é 5521. Não compartilhe.", "5521" },
        { "인증번호 [482019]를 입력해주세요.", "482019" },
        { "आपका OTP 738201 है। इसे किसी के साथ साझा न करें।", "738201" },
        // Phone numbers, prices, dates, times and links that must not be taken for the code
        { "Your Uber code: 8830. Never share this code. Reply STOP ALL to +1 415-237-0403 to unsubscribe.", "8830" },
        { "Call +44 20 7946 0958 if this wasn't you. Code: 310944", "310944" },
        { "Payment of $1250.00 approved. Confirmation code 662018", "662018" },
        { "Your order of 2499 RUB is confirmed, code 3391", "3391" },
        { "On 2026-11-26 at 14:35 we received a sign-in request. Your code is 905531", "905531" },
        { "Visit https://example.com/verify/884422 or enter 551903 in the app", "551903" },
        { "Your code for account support@example.com is 774102", "774102" },
        { "[TikTok] 402117 is your verification code, valid for 5 minutes. To keep your account safe, never forward this code.", "402117" },
        // No code at all
        { "Welcome to the service! Reply HELP for help.", null },
        { "Your balance is $25.00 as of 12/03/2026.", null },
        { "", null },
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void TheCodeAPersonWouldType_IsFound(string sms, string? expected) =>
        Assert.Equal(expected, OtpCodeExtractor.Extract(sms));

    [Fact]
    public void TheTableCoversAtLeastFortyMessages() => Assert.True(Messages.Count >= 40);
}
