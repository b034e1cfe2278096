// Help in Korean (--lang ko). yargs' own words are its locales/ko.json, which the bundle
// cannot read from disk; ours are keyed by their English text, so a description missing
// here shows in English rather than not at all (test/unit/cli-options.test.ts finds them).

/** yargs' own words, from yargs/locales/ko.json (MIT). */
export const yargsKo: Record<string, string | { one: string; other: string }> = {
  'Commands:': '명령:',
  'Options:': '옵션:',
  'Examples:': '예시:',
  boolean: '불리언',
  count: '개수',
  string: '문자열',
  number: '숫자',
  array: '배열',
  required: '필수',
  default: '기본값',
  'default:': '기본값:',
  'choices:': '선택지:',
  'aliases:': '별칭:',
  'generated-value': '생성된 값',
  'Not enough non-option arguments: got %s, need at least %s': {
    one: '옵션이 아닌 인수가 충분하지 않습니다: %s개 입력받음, 최소 %s개 입력 필요',
    other: '옵션이 아닌 인수가 충분하지 않습니다: %s개 입력받음, 최소 %s개 입력 필요',
  },
  'Too many non-option arguments: got %s, maximum of %s': {
    one: '옵션이 아닌 인수가 너무 많습니다: %s개 입력받음, 최대 %s개 입력 가능',
    other: '옵션이 아닌 인수가 너무 많습니다: %s개 입력받음, 최대 %s개 입력 가능',
  },
  'Missing argument value: %s': { one: '인수가 주어지지 않았습니다: %s', other: '인수가 주어지지 않았습니다: %s' },
  'Missing required argument: %s': {
    one: '필수 인수가 주어지지 않았습니다: %s',
    other: '필수 인수가 주어지지 않았습니다: %s',
  },
  'Unknown argument: %s': { one: '알 수 없는 인수입니다: %s', other: '알 수 없는 인수입니다: %s' },
  'Invalid values:': '유효하지 않은 값:',
  'Argument: %s, Given: %s, Choices: %s': '인수: %s, 주어진 값: %s, 선택지: %s',
  'Argument check failed: %s': '인수 체크에 실패했습니다: %s',
  'Implications failed:': '주어진 인수에 필요한 추가 인수가 주어지지 않았습니다:',
  'Not enough arguments following: %s': '다음 인수가 주어지지 않았습니다: %s',
  'Show help': '도움말 표시',
  'Show version number': '버전 표시',
  'Did you mean %s?': '%s을(를) 찾으시나요?',
  'Arguments %s and %s are mutually exclusive': '인수 %s과(와) %s은(는) 동시에 지정할 수 없습니다',
  'Positionals:': '위치:',
  command: '명령',
};

/** Our commands' and options' descriptions. */
export const describeKo: Record<string, string> = {
  "check an instructor's exercise folders (exercise.yaml against the check vocabulary, README.md) before grading with them":
    '강사의 과제 폴더(exercise.yaml이 검사 어휘에 맞는지, README.md)를 채점에 쓰기 전에 검사합니다',
  'a folder of exercises, or one exercise folder': '과제들이 든 폴더, 또는 과제 폴더 하나',
  'scaffold a data-only exercise folder: exercise.yaml, README.md (Korean and English) and fixtures.yaml':
    '데이터만으로 된 과제 폴더의 뼈대를 만듭니다: exercise.yaml, README.md (한국어와 영어), fixtures.yaml',
  'where to create the <id> folder': '<id> 폴더를 만들 곳',
  "a folder of an instructor's exercises (<id>/exercise.yaml), also from DOCKNET_EXERCISES":
    '강사의 과제 폴더 (<id>/exercise.yaml); DOCKNET_EXERCISES로도 줄 수 있음',
  "(--submission, --submissions) run each solution in a throwaway sandbox; --no-sandbox runs it on this machine and puts the host back (a student's own laptop)":
    '(--submission, --submissions) 각 풀이를 버려지는 샌드박스에서 실행합니다; --no-sandbox는 이 기계에서 실행하고 호스트를 되돌립니다 (학생 자신의 노트북)',
  '(--submissions) sandboxes graded at once (default: the number of cores)':
    '(--submissions) 동시에 채점하는 샌드박스 수 (기본값: 코어 수)',
  "(--submission, --submissions) images a solution may use, copied from this machine's engine into each sandbox (never pulled)":
    '(--submission, --submissions) 풀이가 쓸 수 있는 이미지: 이 기계의 엔진에서 각 샌드박스로 복사합니다 (받아오지 않음)',
  'write this run as a web page (one self-contained file) to this file':
    '이번 채점을 웹 페이지(파일 하나)로 이 파일에 씁니다',
  'allow plain tcp:// (no TLS) to an engine on another machine':
    '다른 기계의 엔진에 암호화 없는 tcp:// (TLS 없음) 연결을 허용',
  'trust and record in ~/.ssh/known_hosts an SSH host key seen for the first time':
    '처음 보는 SSH 호스트 키를 믿고 ~/.ssh/known_hosts에 기록',
  'Grades Docker networking lab exercises on a Docker engine.':
    'Docker 엔진에서 Docker 네트워킹 실습 과제를 채점합니다.',
  'grade exercises on the engine (all when none is named)': '엔진에서 과제를 채점합니다 (지정하지 않으면 모든 과제)',
  'grade again whenever containers or networks change (and DOCKER-USER, read every 2 s), until Ctrl-C':
    '컨테이너나 네트워크가 바뀔 때마다 (DOCKER-USER는 2초마다 읽어) Ctrl-C까지 다시 채점합니다',
  'what is on the engine and what looks wrong: networks, containers, overlapping subnets, names that cannot resolve, DOCKER-USER order; no traffic sent':
    '엔진에 무엇이 있고 무엇이 잘못되어 보이는지: 네트워크, 컨테이너, 겹치는 서브넷, 해석되지 않는 이름, DOCKER-USER 순서 (트래픽은 보내지 않음)',
  'what an exercise asks for, and what each check is worth': '과제가 요구하는 것과 채점 항목별 점수',
  "grade a class (--roster: every student's engine), a submitted solution (--submission), or a batch of them (--submissions)":
    '한 반을 채점 (--roster: 학생마다의 엔진), 제출된 풀이 하나 (--submission), 또는 여러 풀이 (--submissions)',
  'CSV or YAML file: id, name, endpoint, tls (directory of ca.pem, cert.pem, key.pem), identity (SSH key)':
    'CSV 또는 YAML 파일: id, name, endpoint, tls (ca.pem, cert.pem, key.pem이 있는 디렉터리), identity (SSH 키)',
  "a directory holding solution.sh or a compose file: run it on this machine's engine, grade, put the host back":
    'solution.sh 또는 compose 파일이 있는 디렉터리: 이 머신의 엔진에서 실행하고 채점한 뒤 호스트를 되돌립니다',
  'a directory of submission directories, graded one after another':
    '제출 디렉터리들을 담은 디렉터리 (하나씩 차례로 채점)',
  '(--roster, --submissions) directory for the gradebook, summary and per-student reports':
    '(--roster, --submissions) 성적표, 요약, 학생별 보고서를 쓸 디렉터리',
  '(--roster) students graded at the same time': '(--roster) 동시에 채점할 학생 수',
  "(--roster) seconds one student's grading may take in all": '(--roster) 학생 한 명의 채점 전체에 허용하는 초',
  '(--roster) grade only students whose result in --out is missing or not fully graded':
    '(--roster) --out에 결과가 없거나 완전히 채점되지 않은 학생만 채점',
  '(--submissions) I/N: grade only the I-th of N slices, for a CI matrix; docknet merge joins them':
    '(--submissions) I/N: N개 조각 중 I번째만 채점 (CI 매트릭스용, docknet merge로 합침)',
  '(--submission, --submissions) seconds a solution may run': '(--submission, --submissions) 풀이 실행에 허용하는 초',
  '(--submission, --submissions) write a Markdown summary, e.g. to $GITHUB_STEP_SUMMARY':
    '(--submission, --submissions) Markdown 요약을 씀 (예: $GITHUB_STEP_SUMMARY)',
  '(--submission) exit 0 at or above this score, 1 below it': '(--submission) 이 점수 이상이면 종료 코드 0, 미만이면 1',
  'the exercises, with your current score on each when an engine answers':
    '과제 목록 (엔진이 응답하면 현재 점수와 함께)',
  'only list them, without grading': '채점하지 않고 목록만',
  'join the output directories of --shard runs into one gradebook':
    '--shard 실행의 출력 디렉터리들을 성적표 하나로 합칩니다',
  'directory for the merged gradebook and reports': '합친 성적표와 보고서를 쓸 디렉터리',
  'Docker engine address (default: DOCKER_HOST, else unix:///var/run/docker.sock)':
    'Docker 엔진 주소 (기본: DOCKER_HOST, 없으면 unix:///var/run/docker.sock)',
  'docker context to grade (default: DOCKER_CONTEXT, else `docker context use`)':
    '채점할 docker 컨텍스트 (기본: DOCKER_CONTEXT, 없으면 `docker context use`로 고른 것)',
  'language of titles (default from LANG)': '메시지와 도움말의 언어 (기본: LANG에서)',
  'print stack traces of errors': '오류의 스택 트레이스를 출력',
  'seconds an Engine API call or probe command may take': 'Engine API 호출이나 프로브 명령 하나에 허용하는 초',
  'exercise ids (all when none is named)': '과제 id (지정하지 않으면 모두)',
  'seconds one check may take': '채점 항목 하나에 허용하는 초',
  "write Gradescope's results.json to this file (no file named: /autograder/results/results.json)":
    'Gradescope의 results.json을 이 파일에 씀 (파일을 지정하지 않으면 /autograder/results/results.json)',
  "write GitHub Classroom's autograding results (one runner per check) to this file, e.g. $GITHUB_ENV":
    'GitHub Classroom 자동 채점 결과(채점 항목마다 러너 하나)를 이 파일에 씀, 예: $GITHUB_ENV',
  'start gradebook.csv with a UTF-8 byte order mark, so Excel shows Korean names right':
    'gradebook.csv를 UTF-8 BOM으로 시작해 Excel에서 한글 이름이 제대로 보이게 함',
  'write the JSON report to this file': 'JSON 보고서를 이 파일에 씀',
  'write the JUnit XML report to this file (--no-junit: none)':
    'JUnit XML 보고서를 이 파일에 씀 (--no-junit: 쓰지 않음)',
  'make the probe image: build it, or save/load it as a tarball for air-gapped rooms':
    '프로브 이미지: 빌드하거나, 인터넷이 없는 실습실용 tarball로 저장/불러오기',
  'tarball to save to or load from': '저장하거나 불러올 tarball',
  'build from a static busybox here, or from the registry': '이 머신의 정적 busybox로, 또는 레지스트리에서 빌드',
  'path of a statically linked busybox to build from': '빌드에 쓸 정적 링크된 busybox의 경로',
  "check the graders against the fixtures on this machine's engine: an empty host, the correct states, each broken one":
    '이 머신의 엔진에서 채점기를 fixture로 검사: 빈 호스트, 올바른 상태, 각각의 망가진 상태',
  'colored output (default: on a terminal; NO_COLOR and FORCE_COLOR are honoured)':
    '색 출력 (기본: 터미널일 때; NO_COLOR와 FORCE_COLOR를 따름)',
  'a YAML or JSON file of option values (default: docknet.config.yaml or .docknetrc here)':
    '옵션 값을 담은 YAML 또는 JSON 파일 (기본: 현재 디렉터리의 docknet.config.yaml 또는 .docknetrc)',
  'print a shell completion script (bash, zsh): docknet completion >> ~/.bashrc':
    '셸 자동 완성 스크립트 출력 (bash, zsh): docknet completion >> ~/.bashrc',
  '(docknet --help shows the usage)': '(docknet --help로 사용법을 볼 수 있습니다)',
  "the student's own variant key, from their task sheet (instead of the course's secret)":
    '학생 본인의 변형 키, 과제 안내문에 적힌 것 (과정 비밀값 대신)',
  "the course's secret the students' variants are drawn with; never printed in a report":
    '학생별 변형 값을 뽑는 데 쓰는 과목의 비밀 값 (보고서에는 출력되지 않음)',
  "use this student's variant of exercises with params (default: the course's canonical values)":
    '매개변수가 있는 과제에서 이 학생의 변형을 사용합니다 (기본: 과목의 기본 값)',
  "test these students' variants (repeatable), each fixture rendered for each student":
    '이 학생들의 변형을 검사합니다 (여러 번 지정 가능): 픽스처를 학생마다 그 값으로 만듭니다',
  'write one task sheet per student of the roster (Markdown, Korean and English) for an exercise with params':
    '매개변수가 있는 과제에 대해 명단의 학생마다 과제 안내문 하나씩 (Markdown, 한국어와 영어) 씁니다',
  'the folder the task sheets are written to': '과제 안내문을 쓸 폴더',
  "(--submission) grade this student's variant of exercises with params":
    '(--submission) 매개변수가 있는 과제에서 이 학생의 변형으로 채점합니다',
  '(--roster, --submissions) grade each student against their own variant: the roster id, or the submission directory name':
    '(--roster, --submissions) 학생마다 자기 변형으로 채점합니다: 명단의 id, 또는 제출 디렉터리 이름',
};
